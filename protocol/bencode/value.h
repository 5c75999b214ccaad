// Value: one bencode datum (integer, byte string, list or dictionary), shaped for the
// rtpengine "ng" control protocol: dictionary lookup by key and typed getters that return
// nothing rather than throwing when a field is absent or of another type. BEP 3 encoding.
#pragma once

#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace tipring::bencode {

class Value;
struct DictEntry;

using List = std::vector<Value>;

// A dictionary kept sorted by key (byte order), so encoding is canonical and lookup is a
// binary search. Keys are unique; set() replaces an existing key.
class Dict {
public:
  // Special members live in value.cpp, where DictEntry is complete.
  Dict();
  Dict(std::initializer_list<DictEntry> entries);
  Dict(const Dict& other);
  Dict(Dict&& other) noexcept;
  Dict& operator=(const Dict& other);
  Dict& operator=(Dict&& other) noexcept;
  ~Dict();

  // The value stored under `key`, or nullptr.
  [[nodiscard]] const Value* find(std::string_view key) const;
  [[nodiscard]] Value* find(std::string_view key);
  // Inserts or replaces; returns the stored value.
  Value& set(std::string key, Value value);
  // Removes `key`; returns whether it was present.
  bool erase(std::string_view key);

  // Typed getters: the value under `key` if present and of that type.
  [[nodiscard]] std::optional<std::string_view> get_string(std::string_view key) const;
  [[nodiscard]] std::optional<std::int64_t> get_integer(std::string_view key) const;
  [[nodiscard]] const List* get_list(std::string_view key) const;
  [[nodiscard]] const Dict* get_dict(std::string_view key) const;

  [[nodiscard]] std::size_t size() const;
  [[nodiscard]] bool empty() const;
  [[nodiscard]] const std::vector<DictEntry>& entries() const { return entries_; }

  friend bool operator==(const Dict& a, const Dict& b);

private:
  std::vector<DictEntry> entries_;  // sorted by key, unique
};

class Value {
public:
  Value() : data_(std::int64_t{0}) {}
  template <std::integral I>
  requires(!std::same_as<I, bool> && !std::same_as<I, char>) Value(I i)
      : data_(static_cast<std::int64_t>(i)) {}          // NOLINT(google-explicit-constructor)
  Value(std::string s) : data_(std::move(s)) {}         // NOLINT(google-explicit-constructor)
  Value(std::string_view s) : data_(std::string(s)) {}  // NOLINT(google-explicit-constructor)
  Value(const char* s) : data_(std::string(s)) {}       // NOLINT(google-explicit-constructor)
  Value(List l) : data_(std::move(l)) {}                // NOLINT(google-explicit-constructor)
  Value(Dict d) : data_(std::move(d)) {}                // NOLINT(google-explicit-constructor)

  [[nodiscard]] bool is_integer() const { return std::holds_alternative<std::int64_t>(data_); }
  [[nodiscard]] bool is_string() const { return std::holds_alternative<std::string>(data_); }
  [[nodiscard]] bool is_list() const { return std::holds_alternative<List>(data_); }
  [[nodiscard]] bool is_dict() const { return std::holds_alternative<Dict>(data_); }

  // Pointers to the held alternative, or nullptr if the value is of another type.
  [[nodiscard]] const std::int64_t* integer() const { return std::get_if<std::int64_t>(&data_); }
  [[nodiscard]] const std::string* string() const { return std::get_if<std::string>(&data_); }
  [[nodiscard]] const List* list() const { return std::get_if<List>(&data_); }
  [[nodiscard]] const Dict* dict() const { return std::get_if<Dict>(&data_); }
  [[nodiscard]] List* list() { return std::get_if<List>(&data_); }
  [[nodiscard]] Dict* dict() { return std::get_if<Dict>(&data_); }

  friend bool operator==(const Value& a, const Value& b);

private:
  std::variant<std::int64_t, std::string, List, Dict> data_;
};

struct DictEntry {
  std::string key;
  Value value;

  friend bool operator==(const DictEntry&, const DictEntry&) = default;
};

}  // namespace tipring::bencode
