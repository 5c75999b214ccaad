#include "protocol/sip/method.h"

#include <array>
#include <utility>

namespace tipring::sip {
namespace {

constexpr std::array<std::pair<std::string_view, Method>, 14> kMethods{{
    {"INVITE", Method::Invite},
    {"ACK", Method::Ack},
    {"BYE", Method::Bye},
    {"CANCEL", Method::Cancel},
    {"OPTIONS", Method::Options},
    {"REGISTER", Method::Register},
    {"PRACK", Method::Prack},
    {"SUBSCRIBE", Method::Subscribe},
    {"NOTIFY", Method::Notify},
    {"PUBLISH", Method::Publish},
    {"INFO", Method::Info},
    {"REFER", Method::Refer},
    {"MESSAGE", Method::Message},
    {"UPDATE", Method::Update},
}};

}  // namespace

Method method_from_token(std::string_view token) {
  for (const auto& [name, method] : kMethods) {
    if (name == token) {
      return method;
    }
  }
  return Method::Unknown;
}

std::string_view method_name(Method method) {
  for (const auto& [name, m] : kMethods) {
    if (m == method) {
      return name;
    }
  }
  return {};
}

}  // namespace tipring::sip
