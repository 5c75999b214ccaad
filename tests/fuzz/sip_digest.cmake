# Digest WWW-Authenticate/Authorization values: parse -> format -> parse must be stable, and
# server verification and client answering of whatever parses must not crash.
tipring_fuzz_target(fuzz_sip_digest
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/sip_digest_fuzz.cpp
  LIBS tipring::protocol
  CORPUS ${CMAKE_CURRENT_LIST_DIR}/corpus/fuzz_sip_digest)
