# SDP: parse -> serialize must reproduce the input's description (re-parse equality), and
# offer/answer over any parsed offer must produce an answer that parses and applies.
tipring_fuzz_target(fuzz_sdp
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/sdp_fuzz.cpp
  LIBS tipring::protocol
  CORPUS ${CMAKE_CURRENT_LIST_DIR}/corpus/fuzz_sdp)
