# Digest authentication, transactions and dialogs (RFC 7616/8760, RFC 3261 §12, §17, §22).
# Listed here rather than in protocol/sip/CMakeLists.txt (owned by the message model) so the
# two halves of protocol/sip can be built in parallel without editing the same file.
target_sources(tipring_protocol PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/digest.cpp
  ${CMAKE_CURRENT_LIST_DIR}/digest_header.cpp
  ${CMAKE_CURRENT_LIST_DIR}/digest_client.cpp
  ${CMAKE_CURRENT_LIST_DIR}/digest_server.cpp)

# Transactions and dialogs sit on the SIP message model (protocol/sip/message.h), which is
# built in parallel; they join the library once it is present.
if(EXISTS ${CMAKE_CURRENT_LIST_DIR}/message.h)
  target_sources(tipring_protocol PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/client_transaction.cpp
    ${CMAKE_CURRENT_LIST_DIR}/server_transaction.cpp
    ${CMAKE_CURRENT_LIST_DIR}/transaction_layer.cpp)
endif()
