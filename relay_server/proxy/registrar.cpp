#include "relay_server/proxy/registrar.h"

#include "relay_server/proxy/directory_unavailable.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace tipring::relay {
namespace {

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string contact_value(const Binding& binding, UnixSeconds wall) {
  const auto left = std::max<std::int64_t>(0, (binding.expires_at - wall).count());
  std::string value = "<" + binding.contact_uri + ">;expires=" + std::to_string(left);
  if (!binding.instance_id.empty()) {
    value += ";+sip.instance=\"" + binding.instance_id + "\"";
  }
  if (binding.reg_id != 0) {
    value += ";reg-id=" + std::to_string(binding.reg_id);
  }
  return value;
}

std::string transport_name(sip::Transport transport) {
  switch (transport) {
    case sip::Transport::tcp:
      return "tcp";
    case sip::Transport::tls:
      return "tls";
    case sip::Transport::udp:
      break;
  }
  return "udp";
}

}  // namespace

Registrar::Registrar(RegistrarConfig config, RequestAuthenticator& authenticator,
                     Directory& directory, RandomSource& random)
    : config_(std::move(config)),
      authenticator_(authenticator),
      directory_(directory),
      random_(random) {}

sip::Message Registrar::answer(const sip::Message& request, int status, std::string_view reason) {
  return sip::make_response(request, status, reason, random_.token(10));
}

std::variant<std::string, RegisterResult> Registrar::authenticate(const sip::Message& request,
                                                                  const Clock& clock) {
  auto outcome = authenticator_.check(request, sip::HeaderId::Authorization, clock.now);
  switch (outcome.verdict) {
    case AuthVerdict::authenticated:
      return std::move(outcome.user);
    case AuthVerdict::no_credentials:
      return RegisterResult{authenticator_.challenge(request, 401, false, clock.now),
                            RegisterOutcome::challenged};
    case AuthVerdict::stale:
      return RegisterResult{authenticator_.challenge(request, 401, true, clock.now),
                            RegisterOutcome::challenged};
    case AuthVerdict::store_error:
      return RegisterResult{directory_unavailable(request, random_.token(10)),
                            RegisterOutcome::store_error};
    case AuthVerdict::failed:
      break;
  }
  return RegisterResult{authenticator_.challenge(request, 401, false, clock.now),
                        RegisterOutcome::auth_failed};
}

RegisterResult Registrar::handle(const sip::Message& request, const RequestSource& source,
                                 const Clock& clock) {
  auto to = request.to();
  if (!to || !to->uri.is_sip_or_sips()) {
    return {answer(request, 400, "RFC 3261 §10.2 To must be a SIP AOR"), RegisterOutcome::rejected};
  }
  auto authenticated = authenticate(request, clock);
  if (auto* refusal = std::get_if<RegisterResult>(&authenticated)) {
    return std::move(*refusal);
  }
  const auto& user = std::get<std::string>(authenticated);
  // §10.3 step 3: a user may only register its own address of record.
  if (to->uri.user != user || !equal_ignoring_case(to->uri.host, config_.domain)) {
    return {answer(request, 403, "Not Your Address Of Record"), RegisterOutcome::rejected};
  }
  return update_bindings(request, "sip:" + user + "@" + config_.domain, source, clock);
}

RegisterResult Registrar::update_bindings(const sip::Message& request, const std::string& aor,
                                          const RequestSource& source, const Clock& clock) {
  const auto contacts = request.contacts();
  if (!contacts) {
    return {answer(request, 400, contacts.error().describe()), RegisterOutcome::rejected};
  }
  const auto header_expires = request.expires_s();
  if (contacts->wildcard) {
    // §10.3 step 6: "*" only alone and with Expires: 0.
    if (header_expires != 0U || !contacts->contacts.empty()) {
      return {answer(request, 400, "RFC 3261 §10.3 Contact: * needs Expires: 0"),
              RegisterOutcome::rejected};
    }
    if (!directory_.remove_bindings(aor)) {
      return {directory_unavailable(request, random_.token(10)), RegisterOutcome::store_error};
    }
  }

  // §10.3 step 7: each contact's lifetime, refusing too short ones with 423 before changing
  // anything.
  std::vector<std::uint32_t> lifetimes;
  for (const auto& contact : contacts->contacts) {
    const auto requested =
        contact.expires_s().value_or(header_expires.value_or(config_.default_expires_s));
    if (requested != 0 && requested < config_.min_expires_s) {
      auto response = answer(request, 423);
      response.add_header(sip::HeaderId::MinExpires, std::to_string(config_.min_expires_s));
      return {std::move(response), RegisterOutcome::rejected};
    }
    lifetimes.push_back(std::min(requested, config_.max_expires_s));
  }

  const bool outbound_client = request.has_token(sip::HeaderId::Supported, "outbound");
  bool outbound_used = false;
  auto existing = directory_.bindings_for(aor, clock.wall);
  if (!existing) {
    return {directory_unavailable(request, random_.token(10)), RegisterOutcome::store_error};
  }
  // The AOR's bindings after this REGISTER, for the 200: the ones read above with this
  // request's changes applied, as the store now holds them (bindings_for's order is total,
  // so sorting gives what reading them back would), without a second query.
  auto current = *existing;
  for (std::size_t i = 0; i < contacts->contacts.size(); ++i) {
    const auto& contact = contacts->contacts[i];
    Binding binding;
    binding.aor = aor;
    binding.contact_uri = contact.address.uri.to_string();
    binding.instance_id = std::string(contact.instance());
    // RFC 5626 §6: reg-id only counts from a client that supports outbound.
    binding.reg_id = outbound_client ? contact.reg_id().value_or(0) : 0;
    outbound_used = outbound_used || (binding.reg_id != 0 && !binding.instance_id.empty());
    binding.expires_at = clock.wall + std::chrono::seconds(lifetimes[i]);
    binding.q_thousandths = contact.q_thousandths().value_or(1000);
    binding.flow = Flow{transport_name(source.peer.transport), source.peer.host, source.peer.port,
                        source.local_socket};
    binding.owner_proxy = config_.proxy_id;
    binding.call_id = std::string(request.call_id());
    binding.cseq = request.cseq_number();
    const auto identity = binding.identity();
    // §10.3 step 7: a retransmitted or reordered REGISTER of the same Call-ID must not undo
    // a newer one.
    const auto same = std::find_if(existing->begin(), existing->end(),
                                   [&](const Binding& b) { return b.identity() == identity; });
    if (same != existing->end() && same->call_id == binding.call_id && same->cseq >= binding.cseq) {
      return {answer(request, 500, "Out Of Order REGISTER"), RegisterOutcome::rejected};
    }
    const bool stored = lifetimes[i] == 0 ? directory_.remove_binding(aor, identity).has_value()
                                          : directory_.put_binding(binding, clock.wall).has_value();
    if (!stored) {
      return {directory_unavailable(request, random_.token(10)), RegisterOutcome::store_error};
    }
    std::erase_if(current, [&](const Binding& b) { return b.identity() == identity; });
    if (lifetimes[i] != 0) {
      current.push_back(std::move(binding));
    }
  }
  sort_by_preference(current);

  auto response = answer(request, 200);
  for (const auto& binding : current) {
    response.add_header(sip::HeaderId::Contact, contact_value(binding, clock.wall));
  }
  if (outbound_used) {
    response.add_header(sip::HeaderId::Require, "outbound");
    response.add_header(sip::HeaderId::FlowTimer, std::to_string(config_.flow_timer_s));
  }
  return {std::move(response), RegisterOutcome::updated};
}

}  // namespace tipring::relay
