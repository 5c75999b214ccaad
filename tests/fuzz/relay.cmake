# tipring-relay's own parsers: the metrics endpoint's HTTP request head.
tipring_fuzz_target(relay_http_fuzz
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/relay_http_fuzz.cpp
  LIBS tipring::relay_app
  CORPUS ${CMAKE_CURRENT_LIST_DIR}/corpus/relay_http)
