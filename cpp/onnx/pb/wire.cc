#include "onnx/pb/wire.h"

#include <cstring>
#include <vector>

#include "core/error.h"

namespace li::pb {

const char* wire_name(Wire w) {
  switch (w) {
    case Wire::Varint: return "varint";
    case Wire::Fixed64: return "fixed64";
    case Wire::Len: return "length-delimited";
    case Wire::StartGroup: return "start-group";
    case Wire::EndGroup: return "end-group";
    case Wire::Fixed32: return "fixed32";
  }
  return "invalid";
}

std::string Where::describe() const {
  std::string s;
  int levels = 0;
  for (const Where* w = this; w; w = w->parent) {
    // The root ModelProto adds nothing once we are inside it.
    if (w != this && std::strcmp(w->message, "ModelProto") == 0) break;
    if (++levels > 6) { s += " in ..."; break; }
    if (w != this) s += " in ";
    s += w->message;
    if (w->name && !w->name->empty()) s += " '" + printable(*w->name) + "'";
  }
  return s;
}

std::string printable(const std::string& s, size_t max_len) {
  std::string r = s.size() > max_len ? s.substr(0, max_len) : s;
  for (char& c : r)
    if (uint8_t(c) < 0x20 || c == 0x7f) c = '?';
  return s.size() > max_len ? r + "..." : r;
}

void Reader::truncated(const char* field, const std::string& why) const {
  fail(ErrorCode::InvalidModel, "truncated ", where_ ? where_->describe() : "message", ": ", field, " ", why);
}

void Reader::corrupted(const char* field, const std::string& why) const {
  fail(ErrorCode::InvalidModel, "corrupted ", where_ ? where_->describe() : "message", ": ", field, " ", why);
}

void Reader::need(size_t n, const char* field) const {
  if (remaining() < n)
    truncated(field, cat("needs ", n, " bytes, only ", remaining(), " remain"));
}

void Reader::expect(const Field& f, Wire want, const char* field) const {
  if (f.wire != want)
    corrupted(field, cat("(field ", f.number, ") has wire type ", wire_name(f.wire), ", expected ", wire_name(want)));
}

bool Reader::next(Field* f) {
  if (done()) return false;
  uint64_t key = varint("field key");
  uint64_t number = key >> 3;
  uint32_t wire = uint32_t(key & 7);
  if (number == 0 || number > 0x1fffffff) corrupted("field key", cat("has field number ", number));
  if (wire > 5) corrupted("field key", cat("of field ", number, " has wire type ", wire));
  f->number = uint32_t(number);
  f->wire = Wire(wire);
  if (f->wire == Wire::EndGroup) corrupted("field key", cat("ends group ", number, " that was never started"));
  return true;
}

uint64_t Reader::varint(const char* field) {
  uint64_t v = 0;
  for (int i = 0; i < 10; ++i) {
    if (p_ >= end_) truncated(field, "varint runs past the end of the message");
    uint8_t b = *p_++;
    v |= uint64_t(b & 0x7f) << (7 * i);  // the 10th byte contributes its low bit only
    if (!(b & 0x80)) return v;
  }
  corrupted(field, "varint is longer than 10 bytes");
}

uint32_t Reader::fixed32(const char* field) {
  need(4, field);
  uint32_t v = load_le32(p_);
  p_ += 4;
  return v;
}

uint64_t Reader::fixed64(const char* field) {
  need(8, field);
  uint64_t v = load_le64(p_);
  p_ += 8;
  return v;
}

float Reader::float32(const char* field) {
  uint32_t u = fixed32(field);
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

double Reader::float64(const char* field) {
  uint64_t u = fixed64(field);
  double d;
  std::memcpy(&d, &u, 8);
  return d;
}

Bytes Reader::bytes(const char* field) {
  uint64_t n = varint(field);
  if (n > remaining())
    truncated(field, cat("length ", n, " exceeds the remaining ", remaining(), " bytes"));
  Bytes b{p_, size_t(n)};
  p_ += n;
  return b;
}

void Reader::skip(const Field& f) {
  switch (f.wire) {
    case Wire::Varint: varint("unknown varint field"); return;
    case Wire::Fixed64: need(8, "unknown fixed64 field"); p_ += 8; return;
    case Wire::Fixed32: need(4, "unknown fixed32 field"); p_ += 4; return;
    case Wire::Len: bytes("unknown length-delimited field"); return;
    case Wire::EndGroup: corrupted("field key", "ends a group that was never started");
    case Wire::StartGroup: break;
  }
  // Deprecated groups: skip keys until the matching end-group. Iterative, so nesting depth
  // costs heap proportional to the input, never stack.
  std::vector<uint32_t> open{f.number};
  while (!open.empty()) {
    if (done()) truncated("group", cat("of field ", open.back(), " has no end-group"));
    uint64_t key = varint("field key in group");
    uint64_t number = key >> 3;
    Wire w = Wire(key & 7);
    if (number == 0 || number > 0x1fffffff || (key & 7) > 5)
      corrupted("field key in group", cat("is invalid (", key, ")"));
    switch (w) {
      case Wire::StartGroup: open.push_back(uint32_t(number)); break;
      case Wire::EndGroup:
        if (number != open.back())
          corrupted("group", cat("of field ", open.back(), " is closed by field ", number));
        open.pop_back();
        break;
      default: skip(Field{uint32_t(number), w});
    }
  }
}

size_t count_varints(Bytes run, const Where* where, const char* field) {
  // A value ends at each byte without the continuation bit; the last byte must end one, and
  // no value may run past 10 bytes.
  size_t count = 0, len = 0;
  for (size_t i = 0; i < run.size; ++i) {
    ++len;
    if (!(run.data[i] & 0x80)) {
      ++count;
      len = 0;
    } else if (len >= 10) {
      Reader(run, where).corrupted(field, "varint is longer than 10 bytes");
    }
  }
  if (len) Reader(run, where).truncated(field, "varint runs past the end of the packed run");
  return count;
}

}  // namespace li::pb
