# SIP message parser: parse, and if that succeeds, serialize, re-parse and compare; also
# the typed accessors and the stream framer on the same bytes.
tipring_fuzz_target(fuzz_sip_message
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/sip_message_fuzz.cpp
  LIBS tipring::protocol
  CORPUS ${CMAKE_CURRENT_SOURCE_DIR}/corpus/sip)
