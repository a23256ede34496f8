// Protocol Buffers wire format, read-only and bounds-checked (no libprotobuf). Every read
// checks the remaining bytes first; a malformed message throws li::Error(InvalidModel) naming
// the message and field being read. Nothing here allocates from a length field: callers get
// views into the input and check counts against the bytes present before they allocate.
// Format reference: https://protobuf.dev/programming-guides/encoding/
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace li::pb {

enum class Wire : uint8_t { Varint = 0, Fixed64 = 1, Len = 2, StartGroup = 3, EndGroup = 4, Fixed32 = 5 };
const char* wire_name(Wire w);

// Where a reader is, for error messages: the message type, its name once the parser knows it
// (a pointer to the parser's variable, so a name read later still shows), and the enclosing
// message. Lives on the parser's stack.
struct Where {
  const char* message = "message";
  const std::string* name = nullptr;
  const Where* parent = nullptr;
  // "TensorProto 'w' in NodeProto 'conv1' in GraphProto 'main'" (the root ModelProto is implied).
  std::string describe() const;
};

struct Bytes {
  const uint8_t* data = nullptr;
  size_t size = 0;
  std::string str() const { return std::string(reinterpret_cast<const char*>(data), size); }
};

struct Field {
  uint32_t number = 0;
  Wire wire = Wire::Varint;
};

class Reader {
 public:
  Reader(const uint8_t* data, size_t size, const Where* where)
      : p_(data), end_(data + size), where_(where) {}
  Reader(Bytes b, const Where* where) : Reader(b.data, b.size, where) {}

  bool done() const { return p_ >= end_; }
  size_t remaining() const { return size_t(end_ - p_); }
  const uint8_t* pos() const { return p_; }
  const Where* where() const { return where_; }

  // The next field's key; false at the end of the message.
  bool next(Field* f);

  // Scalars. `field` names what is being read, for the error message.
  uint64_t varint(const char* field);
  int64_t int64(const char* field) { return int64_t(varint(field)); }
  uint32_t fixed32(const char* field);
  uint64_t fixed64(const char* field);
  float float32(const char* field);
  double float64(const char* field);
  // A length-delimited payload as a view into the input.
  Bytes bytes(const char* field);
  std::string string(const char* field) { return bytes(field).str(); }

  // Typed reads of a field whose wire type is checked first.
  int64_t int64_field(const Field& f, const char* field) { expect(f, Wire::Varint, field); return int64(field); }
  Bytes bytes_field(const Field& f, const char* field) { expect(f, Wire::Len, field); return bytes(field); }
  std::string string_field(const Field& f, const char* field) { return bytes_field(f, field).str(); }

  // Repeated scalars arrive packed (one length-delimited run) or one value per key. Calls
  // fn(value) for each; a packed run of fixed-size values must be a whole number of them.
  template <class Fn> void varints(const Field& f, const char* field, Fn&& fn);
  template <class Fn> void fixed32s(const Field& f, const char* field, Fn&& fn);
  template <class Fn> void fixed64s(const Field& f, const char* field, Fn&& fn);

  // Skips an unknown field of any wire type (groups included, iteratively).
  void skip(const Field& f);

  void expect(const Field& f, Wire want, const char* field) const;
  [[noreturn]] void truncated(const char* field, const std::string& why) const;
  [[noreturn]] void corrupted(const char* field, const std::string& why) const;

 private:
  void need(size_t n, const char* field) const;
  const uint8_t* p_;
  const uint8_t* end_;
  const Where* where_;
};

// Counts the values in a packed run (or a single unpacked value), checking the encoding, so
// a caller can compare the count with what it expects before allocating.
size_t count_varints(Bytes run, const Where* where, const char* field);

template <class Fn>
void Reader::varints(const Field& f, const char* field, Fn&& fn) {
  if (f.wire == Wire::Len) {
    Reader r(bytes(field), where_);
    while (!r.done()) fn(r.varint(field));
  } else {
    expect(f, Wire::Varint, field);
    fn(varint(field));
  }
}

template <class Fn>
void Reader::fixed32s(const Field& f, const char* field, Fn&& fn) {
  if (f.wire == Wire::Len) {
    Bytes b = bytes(field);
    if (b.size % 4) corrupted(field, "packed run of " + std::to_string(b.size) + " bytes is not a multiple of 4");
    Reader r(b, where_);
    while (!r.done()) fn(r.fixed32(field));
  } else {
    expect(f, Wire::Fixed32, field);
    fn(fixed32(field));
  }
}

template <class Fn>
void Reader::fixed64s(const Field& f, const char* field, Fn&& fn) {
  if (f.wire == Wire::Len) {
    Bytes b = bytes(field);
    if (b.size % 8) corrupted(field, "packed run of " + std::to_string(b.size) + " bytes is not a multiple of 8");
    Reader r(b, where_);
    while (!r.done()) fn(r.fixed64(field));
  } else {
    expect(f, Wire::Fixed64, field);
    fn(fixed64(field));
  }
}

// A string from the file made safe for an error message: control bytes (NUL would cut the
// message short) become '?', and long strings are cut at max_len.
std::string printable(const std::string& s, size_t max_len = 80);

// Little-endian loads (the wire format and ONNX raw_data are little-endian on every host).
inline uint32_t load_le32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}
inline uint64_t load_le64(const uint8_t* p) { return uint64_t(load_le32(p)) | uint64_t(load_le32(p + 4)) << 32; }

}  // namespace li::pb
