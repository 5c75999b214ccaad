# pots parsers: caller-ID messages, digit maps, HID report descriptors, WAV files.
if(TARGET tipring_pots)
  foreach(target pots_caller_id_fuzz pots_digit_map_fuzz pots_hid_descriptor_fuzz pots_wav_fuzz)
    tipring_fuzz_target(${target}
      SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/${target}.cpp
      LIBS tipring::pots
      CORPUS ${CMAKE_CURRENT_SOURCE_DIR}/corpus/${target})
  endforeach()
endif()
