#include "protocol/sdp/session_description.h"

#include <algorithm>

namespace tipring::sdp {

const Attribute* Attributes::find(std::string_view name) const {
  auto it =
      std::find_if(items.begin(), items.end(), [&](const Attribute& a) { return a.name == name; });
  return it == items.end() ? nullptr : &*it;
}

std::optional<std::string_view> Attributes::value(std::string_view name) const {
  const Attribute* a = find(name);
  if (a == nullptr || !a->value) {
    return std::nullopt;
  }
  return std::string_view(*a->value);
}

std::optional<std::string_view> Attributes::for_format(std::string_view name,
                                                       std::string_view format) const {
  for (const auto& a : items) {
    if (a.name != name || !a.value) {
      continue;
    }
    std::string_view v = *a.value;
    if (v.size() > format.size() && v.substr(0, format.size()) == format &&
        v[format.size()] == ' ') {
      return v.substr(format.size() + 1);
    }
    if (v == format) {
      return std::string_view{};
    }
  }
  return std::nullopt;
}

void Attributes::add(std::string name, std::optional<std::string> value) {
  items.push_back(Attribute{std::move(name), std::move(value)});
}

std::size_t Attributes::remove(std::string_view name) {
  const auto removed = std::erase_if(items, [&](const Attribute& a) { return a.name == name; });
  return static_cast<std::size_t>(removed);
}

const Connection* SessionDescription::connection_for(std::size_t index) const {
  if (index < media.size() && !media[index].connections.empty()) {
    return &media[index].connections.front();
  }
  return connection ? &*connection : nullptr;
}

}  // namespace tipring::sdp
