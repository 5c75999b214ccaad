# Digest authentication, transactions and dialogs (RFC 7616/8760, RFC 3261 §12, §17, §22).
# Listed here rather than in protocol/sip/CMakeLists.txt (owned by the message model) so the
# two halves of protocol/sip can be built in parallel without editing the same file.
target_sources(tipring_protocol PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/digest.cpp
  ${CMAKE_CURRENT_LIST_DIR}/digest_client.cpp
  ${CMAKE_CURRENT_LIST_DIR}/digest_server.cpp)

# Digest header values go through the message model's AuthHeader grammar.
target_sources(tipring_protocol PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/digest_auth_header.cpp
  ${CMAKE_CURRENT_LIST_DIR}/client_transaction.cpp
  ${CMAKE_CURRENT_LIST_DIR}/server_transaction.cpp
  ${CMAKE_CURRENT_LIST_DIR}/transaction_layer.cpp
  ${CMAKE_CURRENT_LIST_DIR}/dialog.cpp)
