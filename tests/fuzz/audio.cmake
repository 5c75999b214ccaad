# audio: the WAV parser behind the file devices (files come from users and test data).
tipring_fuzz_target(fuzz_wav_parser
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/wav_parser_fuzz.cpp
  LIBS tipring::audio
  CORPUS ${CMAKE_CURRENT_LIST_DIR}/corpus/fuzz_wav_parser)
