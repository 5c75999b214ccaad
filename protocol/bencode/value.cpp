#include "protocol/bencode/value.h"

#include <algorithm>

namespace tipring::bencode {
namespace {

// compare() rather than operator<: clang-14 cannot use libstdc++-12's C++20 string_view
// ordering operators.
auto lower_bound_key(auto& entries, std::string_view key) {
  return std::lower_bound(entries.begin(), entries.end(), key,
                          [](const DictEntry& e, std::string_view k) {
                            return std::string_view(e.key).compare(k) < 0;
                          });
}

}  // namespace

Dict::Dict() = default;
Dict::Dict(const Dict& other) = default;
Dict::Dict(Dict&& other) noexcept = default;
Dict& Dict::operator=(const Dict& other) = default;
Dict& Dict::operator=(Dict&& other) noexcept = default;
Dict::~Dict() = default;

std::size_t Dict::size() const {
  return entries_.size();
}
bool Dict::empty() const {
  return entries_.empty();
}

Dict::Dict(std::initializer_list<DictEntry> entries) {
  for (const auto& e : entries) {
    set(e.key, e.value);
  }
}

const Value* Dict::find(std::string_view key) const {
  auto it = lower_bound_key(entries_, key);
  return (it != entries_.end() && it->key == key) ? &it->value : nullptr;
}

Value* Dict::find(std::string_view key) {
  auto it = lower_bound_key(entries_, key);
  return (it != entries_.end() && it->key == key) ? &it->value : nullptr;
}

Value& Dict::set(std::string key, Value value) {
  auto it = lower_bound_key(entries_, key);
  if (it != entries_.end() && it->key == key) {
    it->value = std::move(value);
    return it->value;
  }
  return entries_.insert(it, DictEntry{std::move(key), std::move(value)})->value;
}

bool Dict::erase(std::string_view key) {
  auto it = lower_bound_key(entries_, key);
  if (it == entries_.end() || it->key != key) {
    return false;
  }
  entries_.erase(it);
  return true;
}

std::optional<std::string_view> Dict::get_string(std::string_view key) const {
  const Value* v = find(key);
  if (v == nullptr || !v->is_string()) {
    return std::nullopt;
  }
  return std::string_view(*v->string());
}

std::optional<std::int64_t> Dict::get_integer(std::string_view key) const {
  const Value* v = find(key);
  if (v == nullptr || !v->is_integer()) {
    return std::nullopt;
  }
  return *v->integer();
}

const List* Dict::get_list(std::string_view key) const {
  const Value* v = find(key);
  return v == nullptr ? nullptr : v->list();
}

const Dict* Dict::get_dict(std::string_view key) const {
  const Value* v = find(key);
  return v == nullptr ? nullptr : v->dict();
}

bool operator==(const Dict& a, const Dict& b) {
  return a.entries_ == b.entries_;
}

bool operator==(const Value& a, const Value& b) {
  return a.data_ == b.data_;
}

}  // namespace tipring::bencode
