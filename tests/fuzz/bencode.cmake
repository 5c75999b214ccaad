# bencode (ng control protocol): decode -> encode -> decode must give an equal value.
tipring_fuzz_target(fuzz_bencode
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/bencode_fuzz.cpp
  LIBS tipring::protocol
  CORPUS ${CMAKE_CURRENT_LIST_DIR}/corpus/fuzz_bencode)
