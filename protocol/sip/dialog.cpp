#include "protocol/sip/dialog.h"

#include <algorithm>
#include <utility>

namespace tipring::sip {
namespace {

constexpr std::string_view kCreateRule = "RFC 3261 §12.1 dialog creation";

bool creates_dialog(int code) {
  return code > 100 && code < 300;
}

Result<Uri> first_contact(const Message& message) {
  auto contacts = message.contacts();
  if (!contacts || contacts->wildcard || contacts->contacts.empty()) {
    return fail(kCreateRule, "no usable Contact");
  }
  return contacts->contacts.front().address.uri;
}

}  // namespace

DialogId dialog_id_of_incoming_request(const Message& request) {
  return {std::string(request.call_id()), std::string(request.to_tag()),
          std::string(request.from_tag())};
}

DialogId dialog_id_of_response(const Message& response) {
  return {std::string(response.call_id()), std::string(response.from_tag()),
          std::string(response.to_tag())};
}

bool is_target_refresh(Method method) {
  return method == Method::Invite || method == Method::Update || method == Method::Subscribe ||
         method == Method::Notify || method == Method::Refer;
}

Result<Dialog> Dialog::as_uac(const Message& request, const Message& response) {
  if (!creates_dialog(response.status_code()) || response.to_tag().empty()) {
    return fail(kCreateRule, "only a 101-299 response with a To tag creates a dialog");
  }
  auto from = request.from();
  auto to = response.to();
  auto target = first_contact(response);
  auto own_contact = first_contact(request);
  auto record_routes = response.record_routes();
  if (!from || !to || !target || !own_contact || !record_routes) {
    return fail(kCreateRule, "request or response lacks a valid From, To, Contact or Record-Route");
  }
  Dialog dialog;
  dialog.uac_ = true;
  dialog.id_ = dialog_id_of_response(response);
  dialog.state_ = response.status_code() < 200 ? State::early : State::confirmed;
  dialog.local_ = std::move(*from);
  dialog.remote_ = std::move(*to);
  dialog.local_contact_ = std::move(*own_contact);
  dialog.remote_target_ = std::move(*target);
  // §12.1.2: the UAC takes the Record-Route of the response in reverse order.
  dialog.route_set_.assign(record_routes->rbegin(), record_routes->rend());
  dialog.local_cseq_ = request.cseq_number();
  return dialog;
}

Result<Dialog> Dialog::as_uas(const Message& request, const Message& response) {
  if (!creates_dialog(response.status_code()) || response.to_tag().empty()) {
    return fail(kCreateRule, "the UAS response must be 101-299 and carry our To tag");
  }
  auto from = request.from();
  auto to = response.to();
  auto target = first_contact(request);
  auto own_contact = first_contact(response);
  auto record_routes = request.record_routes();
  if (!from || !to || !target || !own_contact || !record_routes) {
    return fail(kCreateRule, "request or response lacks a valid From, To, Contact or Record-Route");
  }
  Dialog dialog;
  dialog.id_ = dialog_id_of_incoming_request(response);
  dialog.state_ = response.status_code() < 200 ? State::early : State::confirmed;
  dialog.local_ = std::move(*to);
  dialog.remote_ = std::move(*from);
  dialog.local_contact_ = std::move(*own_contact);
  dialog.remote_target_ = std::move(*target);
  // §12.1.1: the UAS keeps the Record-Route order of the request.
  dialog.route_set_ = std::move(*record_routes);
  dialog.remote_cseq_ = request.cseq_number();
  return dialog;
}

void Dialog::on_response(const Message& response, Method request_method) {
  const int code = response.status_code();
  if (state_ == State::terminated || response.to_tag() != id_.remote_tag) {
    return;
  }
  if (state_ == State::early && request_method == Method::Invite) {
    if (code >= 300) {
      state_ = State::terminated;
      return;
    }
    if (code >= 200) {
      state_ = State::confirmed;
      if (uac_) {
        if (auto record_routes = response.record_routes()) {
          route_set_.assign(record_routes->rbegin(), record_routes->rend());
        }
      }
    }
  }
  if (code > 100 && code < 300 && is_target_refresh(request_method)) {
    if (auto target = first_contact(response)) {
      remote_target_ = std::move(*target);
    }
  }
}

Result<void> Dialog::on_request(const Message& request) {
  if (state_ == State::terminated) {
    return fail("RFC 3261 §12.2.2", "dialog is terminated");
  }
  const Method method = request.method();
  if (method != Method::Ack && method != Method::Cancel) {
    if (remote_cseq_ && request.cseq_number() < *remote_cseq_) {
      return fail("RFC 3261 §12.2.2 CSeq", "CSeq " + std::to_string(request.cseq_number()) +
                                               " is below " + std::to_string(*remote_cseq_) +
                                               ": out of order, answer 500");
    }
    remote_cseq_ = request.cseq_number();
  }
  if (is_target_refresh(method)) {
    if (auto target = first_contact(request)) {
      remote_target_ = std::move(*target);
    }
  }
  return {};
}

std::pair<Uri, std::vector<std::string>> Dialog::routing() const {
  std::vector<std::string> routes;
  if (route_set_.empty() || route_set_.front().uri.param("lr") != nullptr) {
    routes.reserve(route_set_.size());
    for (const auto& route : route_set_) {
      routes.push_back(route.to_string());
    }
    return {remote_target_, std::move(routes)};
  }
  // A strict router (§12.2.1.1): it gets the Request-URI, and the remote target travels as
  // the last Route. Parameters not allowed in a Request-URI (headers) are stripped.
  Uri request_uri = route_set_.front().uri;
  request_uri.headers.clear();
  for (std::size_t i = 1; i < route_set_.size(); ++i) {
    routes.push_back(route_set_[i].to_string());
  }
  routes.push_back("<" + remote_target_.to_string() + ">");
  return {std::move(request_uri), std::move(routes)};
}

void Dialog::add_common_headers(Message& request, const Via& via, std::uint32_t cseq,
                                std::string_view method) const {
  request.add_header(HeaderId::Via, via.to_string());
  request.add_header(HeaderId::MaxForwards, "70");
  for (const auto& route : routing().second) {
    request.add_header(HeaderId::Route, route);
  }
  request.add_header(HeaderId::From, local_.to_string());
  request.add_header(HeaderId::To, remote_.to_string());
  request.add_header(HeaderId::CallId, id_.call_id);
  request.add_header(HeaderId::CSeq, std::to_string(cseq) + " " + std::string(method));
}

Message Dialog::make_request(Method method, const Via& via) {
  // §12.2.1.1: CSeq grows by one per request; a UAS that never sent one starts anywhere.
  const std::uint32_t cseq = local_cseq_ ? *local_cseq_ + 1 : 1;
  local_cseq_ = cseq;
  Message request = Message::request(method, routing().first);
  add_common_headers(request, via, cseq, method_name(method));
  if (is_target_refresh(method)) {
    request.add_header(HeaderId::Contact, "<" + local_contact_.to_string() + ">");
  }
  request.add_header(HeaderId::ContentLength, "0");
  return request;
}

Message Dialog::make_ack(std::uint32_t invite_cseq, const Via& via) const {
  Message ack = Message::request(Method::Ack, routing().first);
  add_common_headers(ack, via, invite_cseq, "ACK");
  ack.add_header(HeaderId::ContentLength, "0");
  return ack;
}

}  // namespace tipring::sip
