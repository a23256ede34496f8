// Protocol Buffers wire format, read-only and bounds-checked. Every read checks the remaining
// bytes first; a malformed message throws InvalidModel naming what was being read. No
// allocation is ever sized from a length field before that length is checked against the input.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>

#include "core/error.h"

namespace li::pb {

enum WireType : uint32_t { Varint = 0, Fixed64 = 1, LengthDelimited = 2, StartGroup = 3, EndGroup = 4, Fixed32 = 5 };

class Reader {
 public:
  Reader(const uint8_t* data, size_t size, const char* what) : p_(data), end_(data + size), what_(what) {}

  bool done() const { return p_ >= end_; }
  size_t remaining() const { return size_t(end_ - p_); }
  const char* what() const { return what_; }

  // Reads the next field key; returns false at the end of the message.
  bool next(uint32_t* field, WireType* type) {
    if (done()) return false;
    uint64_t key = varint();
    *field = uint32_t(key >> 3);
    *type = WireType(key & 7);
    if (*field == 0) error("field number 0");
    return true;
  }

  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (p_ >= end_) error("truncated varint");
      uint8_t b = *p_++;
      v |= uint64_t(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    error("varint longer than 10 bytes");
  }
  int64_t int64() { return int64_t(varint()); }
  uint32_t fixed32() {
    need(4);
    uint32_t v;
    std::memcpy(&v, p_, 4);
    p_ += 4;
    return v;
  }
  uint64_t fixed64() {
    need(8);
    uint64_t v;
    std::memcpy(&v, p_, 8);
    p_ += 8;
    return v;
  }
  float float32() {
    uint32_t u = fixed32();
    float f;
    std::memcpy(&f, &u, 4);
    return f;
  }
  double float64() {
    uint64_t u = fixed64();
    double d;
    std::memcpy(&d, &u, 8);
    return d;
  }
  // A length-delimited field as a sub-reader over its bytes.
  Reader bytes(const char* what) {
    uint64_t n = varint();
    if (n > remaining())
      error_len(what, n);
    Reader r(p_, size_t(n), what);
    p_ += n;
    return r;
  }
  std::string string(const char* what) {
    Reader r = bytes(what);
    return std::string(reinterpret_cast<const char*>(r.p_), r.remaining());
  }
  const uint8_t* data() const { return p_; }

  void skip(WireType t) {
    switch (t) {
      case Varint: varint(); return;
      case Fixed64: need(8); p_ += 8; return;
      case Fixed32: need(4); p_ += 4; return;
      case LengthDelimited: bytes(what_); return;
      case StartGroup: case EndGroup: error("deprecated group fields");
      default: error("unknown wire type");
    }
  }

  // Repeated scalar fields come packed (one length-delimited run) or one per key; `fn` gets
  // each value read by `read` from the right reader.
  template <class ReadFn, class Fn>
  void repeated(WireType t, WireType scalar_type, ReadFn read, Fn fn) {
    if (t == LengthDelimited) {
      Reader r = bytes(what_);
      while (!r.done()) fn(read(r));
    } else if (t == scalar_type) {
      fn(read(*this));
    } else {
      error("repeated field with the wrong wire type");
    }
  }

  void expect(WireType got, WireType want, const char* field) {
    if (got != want) fail(ErrorCode::InvalidModel, what_, ": field ", field, " has wire type ", int(got), ", expected ", int(want));
  }

  [[noreturn]] void error(const char* why) const {
    fail(ErrorCode::InvalidModel, "corrupted or truncated model: ", what_, ": ", why);
  }

 private:
  void need(size_t n) const {
    if (remaining() < n) error("truncated fixed-size field");
  }
  [[noreturn]] void error_len(const char* what, uint64_t n) const {
    fail(ErrorCode::InvalidModel, "corrupted or truncated model: ", what, ": length ", n,
         " exceeds the remaining ", remaining(), " bytes");
  }
  const uint8_t* p_;
  const uint8_t* end_;
  const char* what_;
};

}  // namespace li::pb
