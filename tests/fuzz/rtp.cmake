# RTP, RTCP compound, RFC 8285 extension elements and RFC 4733 events: parse, and for RTP
# rebuild from the parsed view and compare with the input.
tipring_fuzz_target(fuzz_rtp
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/rtp_fuzz.cpp
  LIBS tipring::protocol
  CORPUS ${CMAKE_CURRENT_LIST_DIR}/corpus/fuzz_rtp)
