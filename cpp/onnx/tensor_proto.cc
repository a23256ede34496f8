// TensorProto decoding: dims, data_type, and the data in exactly one of raw_data, the typed
// fields or external data. Field numbers and encodings follow onnx/onnx.proto3 (TensorProto).
// Sizes are checked before allocating: the element count comes from shape_numel (overflow
// throws), and the data present must match it exactly.
#include "onnx/tensor_proto.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "core/error.h"

namespace li {

namespace {

using pb::Bytes;
using pb::Field;
using pb::Reader;
using pb::Where;
using pb::Wire;

// The typed value fields of TensorProto (onnx.proto3 says which dtypes each one carries).
enum Typed { kFloat, kInt32, kInt64, kDouble, kUInt64, kNumTyped };
const char* const kTypedName[kNumTyped] = {"float_data", "int32_data", "int64_data", "double_data", "uint64_data"};

// One run of values of a typed field: a packed run or the bytes of one unpacked value.
struct Run {
  Bytes bytes;
};

struct Fields {
  std::string name;
  Shape dims;
  int64_t data_type = 0;
  bool has_raw = false;
  Bytes raw;
  std::vector<Run> typed[kNumTyped];
  std::vector<Bytes> strings;
  std::vector<std::pair<std::string, std::string>> external;
  int64_t data_location = 0;
};

[[noreturn]] void bad(const Where& w, ErrorCode code, const std::string& msg) {
  fail(code, w.describe(), ": ", msg);
}

// A shape for a message; a hostile rank must not make a megabyte message.
std::string dims_str(const Shape& s) {
  if (s.size() <= 16) return shape_str(s);
  std::string head = shape_str(Shape(s.begin(), s.begin() + 16));
  head.pop_back();  // the closing bracket
  return cat(head, ",...] (rank ", s.size(), ")");
}

// Records the run of a repeated scalar field without decoding it yet.
void record_run(Reader& r, const Field& f, Typed kind, Fields& out) {
  const char* field = kTypedName[kind];
  Wire scalar = kind == kFloat ? Wire::Fixed32 : kind == kDouble ? Wire::Fixed64 : Wire::Varint;
  if (f.wire == Wire::Len) {
    Bytes b = r.bytes(field);
    size_t width = scalar == Wire::Fixed32 ? 4 : scalar == Wire::Fixed64 ? 8 : 1;
    if (b.size % width) r.corrupted(field, cat("packed run of ", b.size, " bytes is not a multiple of ", width));
    out.typed[kind].push_back({b});
    return;
  }
  r.expect(f, scalar, field);
  const uint8_t* start = r.pos();
  if (scalar == Wire::Fixed32) r.fixed32(field);
  else if (scalar == Wire::Fixed64) r.fixed64(field);
  else r.varint(field);
  out.typed[kind].push_back({{start, size_t(r.pos() - start)}});
}

void read_entry(Reader& r, const Field& f, Fields& out) {
  Where w{"StringStringEntryProto", nullptr, r.where()};
  Reader e(r.bytes_field(f, "external_data"), &w);
  std::string key, value;
  Field g;
  while (e.next(&g)) {
    if (g.number == 1) key = e.string_field(g, "key");
    else if (g.number == 2) value = e.string_field(g, "value");
    else e.skip(g);
  }
  out.external.push_back({std::move(key), std::move(value)});
}

void read_fields(Reader& r, Fields& out) {
  Field f;
  while (r.next(&f)) {
    switch (f.number) {
      case 1: r.varints(f, "dims", [&](uint64_t d) { out.dims.push_back(int64_t(d)); }); break;
      case 2: out.data_type = r.int64_field(f, "data_type"); break;
      case 3: bad(*r.where(), ErrorCode::UnsupportedOp, "segmented tensors (TensorProto.segment) are not supported");
      case 4: record_run(r, f, kFloat, out); break;
      case 5: record_run(r, f, kInt32, out); break;
      case 6: out.strings.push_back(r.bytes_field(f, "string_data")); break;
      case 7: record_run(r, f, kInt64, out); break;
      case 8: out.name = r.string_field(f, "name"); break;
      case 9: out.raw = r.bytes_field(f, "raw_data"); out.has_raw = true; break;
      case 10: record_run(r, f, kDouble, out); break;
      case 11: record_run(r, f, kUInt64, out); break;
      case 13: read_entry(r, f, out); break;
      case 14: out.data_location = r.int64_field(f, "data_location"); break;
      default: r.skip(f);  // doc_string (12), metadata_props (16), future fields
    }
  }
}

DType check_dtype(const Where& w, int64_t raw) {
  if (raw >= 0 && raw <= 0x7fffffff && dtype_valid(int32_t(raw))) return DType(raw);
  if (raw == 14 || raw == 15)
    bad(w, ErrorCode::UnsupportedOp, cat("complex tensors (data_type ", raw, ") are not supported"));
  if (raw >= 17 && raw <= 23)
    bad(w, ErrorCode::UnsupportedOp, cat("float8/int4/float4 tensors (data_type ", raw, ") are not supported"));
  bad(w, ErrorCode::InvalidModel, cat("unknown data_type ", raw));
}

// The typed field that holds a dtype's values (onnx.proto3 comments on each field).
Typed typed_field_for(DType t) {
  switch (t) {
    case DType::Float32: return kFloat;
    case DType::Float64: return kDouble;
    case DType::Int64: return kInt64;
    case DType::UInt32: case DType::UInt64: return kUInt64;
    default: return kInt32;  // int32 and every narrower type, float16/bfloat16 as bits
  }
}

// Copies little-endian elements into host order.
void copy_le(void* dst, const uint8_t* src, size_t n, size_t es) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  auto* d = static_cast<uint8_t*>(dst);
  for (size_t i = 0; i < n; ++i)
    for (size_t b = 0; b < es; ++b) d[i * es + b] = src[i * es + es - 1 - b];
#else
  if (n) std::memcpy(dst, src, n * es);
#endif
}

template <class T>
void put(Tensor& t, size_t i, T v) { t.ptr<T>()[i] = v; }

void decode_typed(const Where& w, DType dt, Typed kind, const std::vector<Run>& runs, Tensor& t) {
  size_t i = 0;
  const char* field = kTypedName[kind];
  for (const Run& run : runs) {
    Reader r(run.bytes, &w);
    while (!r.done()) {
      switch (kind) {
        case kFloat: put<float>(t, i++, r.float32(field)); break;
        case kDouble: put<double>(t, i++, r.float64(field)); break;
        case kInt64: put<int64_t>(t, i++, r.int64(field)); break;
        case kUInt64: {
          uint64_t v = r.varint(field);
          if (dt == DType::UInt32) put<uint32_t>(t, i++, uint32_t(v));
          else put<uint64_t>(t, i++, v);
          break;
        }
        case kInt32: {
          // int32 is sign-extended on the wire; narrower types keep their low bits.
          uint32_t v = uint32_t(r.varint(field));
          switch (dt) {
            case DType::Int32: put<int32_t>(t, i++, int32_t(v)); break;
            case DType::Int16: put<int16_t>(t, i++, int16_t(uint16_t(v))); break;
            case DType::Int8: put<int8_t>(t, i++, int8_t(uint8_t(v))); break;
            case DType::UInt16: case DType::Float16: case DType::BFloat16: put<uint16_t>(t, i++, uint16_t(v)); break;
            case DType::UInt8: put<uint8_t>(t, i++, uint8_t(v)); break;
            case DType::Bool: put<uint8_t>(t, i++, uint8_t(v != 0)); break;
            default: bad(w, ErrorCode::Internal, cat("int32_data for dtype ", dtype_name(dt)));
          }
          break;
        }
        default: break;
      }
    }
  }
}

size_t count_typed(const Where& w, Typed kind, const std::vector<Run>& runs) {
  size_t n = 0;
  for (const Run& run : runs) {
    if (kind == kFloat) n += run.bytes.size / 4;
    else if (kind == kDouble) n += run.bytes.size / 8;
    else n += pb::count_varints(run.bytes, &w, kTypedName[kind]);
  }
  return n;
}

// ---- external data --------------------------------------------------------------------------

// A non-negative decimal integer, strictly (external_data offset/length values are strings).
int64_t parse_count(const Where& w, const std::string& key, const std::string& v) {
  if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos)
    bad(w, ErrorCode::InvalidModel, cat("external data ", key, " '", pb::printable(v, 40), "' is not a non-negative integer"));
  return std::strtoll(v.c_str(), nullptr, 10);
}

struct FreeDeleter { void operator()(char* p) const { std::free(p); } };

// Resolves `location` inside base_dir, refusing anything that could leave it: absolute paths,
// '..' components, and symlinks that resolve outside (checked on the realpath).
std::string resolve_external(const Where& w, const std::string& base_dir, const std::string& location) {
  auto refuse = [&](const std::string& why) {
    bad(w, ErrorCode::InvalidModel, cat("external data location '", pb::printable(location, 200), "' ", why));
  };
  if (base_dir.empty())
    bad(w, ErrorCode::InvalidModel,
        "external data requires a base folder (load the model from a file, or set the base folder option)");
  if (location.empty()) bad(w, ErrorCode::InvalidModel, "external data has no 'location' entry");
  if (location.find('\0') != std::string::npos) refuse("contains a NUL byte");
  if (location[0] == '/' || location[0] == '\\' || (location.size() > 1 && location[1] == ':'))
    refuse("is an absolute path; it must be relative to the model's folder");
  for (size_t start = 0; start <= location.size();) {
    size_t end = location.find_first_of("/\\", start);
    if (end == std::string::npos) end = location.size();
    if (location.compare(start, end - start, "..") == 0) refuse("must not contain a '..' component");
    start = end + 1;
  }
  std::unique_ptr<char, FreeDeleter> base(realpath(base_dir.c_str(), nullptr));
  if (!base) bad(w, ErrorCode::InvalidModel, cat("base folder '", base_dir, "' for external data: ", std::strerror(errno)));
  std::string joined = std::string(base.get()) + "/" + location;
  std::unique_ptr<char, FreeDeleter> file(realpath(joined.c_str(), nullptr));
  if (!file) refuse(cat("cannot be opened in '", base.get(), "': ", std::strerror(errno)));
  std::string b(base.get()), f(file.get());
  if (b != "/" && (f.compare(0, b.size(), b) != 0 || f.size() <= b.size() || f[b.size()] != '/'))
    refuse(cat("resolves outside the model's folder '", b, "'"));
  return f;
}

struct Fd {
  int fd = -1;
  ~Fd() { if (fd >= 0) ::close(fd); }
};

void read_external(const Where& w, const Fields& fl, const LoadOptions& opts, size_t nbytes, Tensor& t,
                   DType dt) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const auto& [k, v] : fl.external) {
    if (k == "location") location = v;
    else if (k == "offset") offset = parse_count(w, k, v);
    else if (k == "length") length = parse_count(w, k, v);
    // "checksum" and unknown keys are ignored.
  }
  if (length >= 0 && uint64_t(length) != nbytes)
    bad(w, ErrorCode::InvalidModel,
        cat("external data length ", length, " does not match shape ", dims_str(fl.dims), " of ", dtype_name(dt),
            " (", nbytes, " bytes)"));
  std::string path = resolve_external(w, opts.base_dir, location);
  Fd f;
  f.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (f.fd < 0) bad(w, ErrorCode::InvalidModel, cat("cannot open external data '", pb::printable(location, 200), "': ", std::strerror(errno)));
  struct stat st;
  if (fstat(f.fd, &st) != 0 || !S_ISREG(st.st_mode))
    bad(w, ErrorCode::InvalidModel, cat("external data '", pb::printable(location, 200), "' is not a regular file"));
  uint64_t size = uint64_t(st.st_size);
  if (uint64_t(offset) > size || nbytes > size - uint64_t(offset))
    bad(w, ErrorCode::InvalidModel,
        cat("external data range [", offset, ", ", uint64_t(offset) + nbytes, ") of '", pb::printable(location, 200),
            "' exceeds the file's ", size, " bytes"));
  // Checked against the file: now allocate and read straight into the tensor.
  t = Tensor::allocate_uninitialized(dt, fl.dims);
  auto* dst = static_cast<uint8_t*>(t.data);
  size_t done = 0;
  while (done < nbytes) {
    ssize_t got = ::pread(f.fd, dst + done, nbytes - done, off_t(offset + int64_t(done)));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0)
      bad(w, ErrorCode::InvalidModel, cat("reading external data '", pb::printable(location, 200), "' failed at byte ", offset + int64_t(done),
                                           got < 0 ? cat(": ", std::strerror(errno)) : std::string(": unexpected end of file")));
    done += size_t(got);
  }
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  std::vector<uint8_t> tmp(dst, dst + nbytes);
  copy_le(dst, tmp.data(), nbytes / dtype_size(dt), dtype_size(dt));
#endif
}

}  // namespace

Tensor read_tensor_proto(Bytes msg, const Where* parent, const LoadOptions& opts, std::string* name_out) {
  Fields fl;
  Where w{"TensorProto", &fl.name, parent};
  Reader r(msg, &w);
  read_fields(r, fl);
  if (name_out) *name_out = fl.name;

  DType dt = check_dtype(w, fl.data_type);
  for (int64_t d : fl.dims)
    if (d < 0) bad(w, ErrorCode::InvalidModel, cat("negative dimension ", d, " in dims ", dims_str(fl.dims)));
  int64_t numel;
  try {
    numel = shape_numel(fl.dims);
  } catch (const Error& e) {
    std::string m = e.what();
    bad(w, ErrorCode::InvalidModel, m.size() > 300 ? m.substr(0, 300) + "..." : m);
  }

  // Which encodings carry data; exactly one may (none only for an empty tensor).
  std::vector<std::string> sources;
  bool external = fl.data_location == 1;
  if (fl.data_location != 0 && fl.data_location != 1)
    bad(w, ErrorCode::InvalidModel, cat("unknown data_location ", fl.data_location));
  if (fl.has_raw) sources.push_back("raw_data");
  for (int k = 0; k < kNumTyped; ++k)
    if (!fl.typed[k].empty()) sources.push_back(kTypedName[k]);
  if (!fl.strings.empty()) sources.push_back("string_data");
  if (external) sources.push_back("external data");
  if (sources.size() > 1) bad(w, ErrorCode::InvalidModel, cat("holds data in both ", sources[0], " and ", sources[1]));

  if (dt == DType::String) {
    if (!sources.empty() && sources[0] != "string_data")
      bad(w, ErrorCode::InvalidModel, cat("string tensor holds its data in ", sources[0], "; expected string_data"));
    if (int64_t(fl.strings.size()) != numel)
      bad(w, ErrorCode::InvalidModel, cat("shape ", dims_str(fl.dims), " needs ", numel, " strings, string_data has ",
                                          fl.strings.size()));
    Tensor t = Tensor::allocate(dt, fl.dims);
    for (size_t i = 0; i < fl.strings.size(); ++i) (*t.strings)[i] = fl.strings[i].str();
    return t;
  }

  size_t es = dtype_size(dt);
  // Compare what is present with what the shape needs before any allocation; the size limit
  // applies once the data is known to match (or before reading external data).
  bool fits = numel <= kMaxTensorBytes / int64_t(es);
  std::string needed = numel <= INT64_MAX / int64_t(es) ? std::to_string(numel * int64_t(es)) : cat(numel, "x", es);
  size_t nbytes = fits ? size_t(numel) * es : 0;
  auto check_fits = [&] {
    if (!fits)
      bad(w, ErrorCode::InvalidModel, cat("shape ", dims_str(fl.dims), " of ", dtype_name(dt),
                                          " exceeds the tensor size limit of ", kMaxTensorBytes, " bytes"));
  };

  if (sources.empty()) {
    if (numel != 0)
      bad(w, ErrorCode::InvalidModel, cat("has no data (no raw_data, typed data or external data) for shape ",
                                          dims_str(fl.dims)));
    return Tensor::allocate(dt, fl.dims);
  }
  if (external) {
    check_fits();
    Tensor t;
    read_external(w, fl, opts, nbytes, t, dt);
    return t;
  }
  if (fl.has_raw) {
    if (!fits || fl.raw.size != nbytes)
      bad(w, ErrorCode::InvalidModel, cat("raw_data has ", fl.raw.size, " bytes, shape ", dims_str(fl.dims), " of ",
                                          dtype_name(dt), " needs ", needed));
    Tensor t = Tensor::allocate_uninitialized(dt, fl.dims);
    copy_le(t.data, fl.raw.data, size_t(numel), es);
    return t;
  }
  if (sources[0] == "string_data")
    bad(w, ErrorCode::InvalidModel, cat(dtype_name(dt), " tensor holds its data in string_data"));
  Typed want = typed_field_for(dt);
  if (fl.typed[want].empty())
    bad(w, ErrorCode::InvalidModel, cat(dtype_name(dt), " tensor holds its data in ", sources[0], "; expected ",
                                        kTypedName[want], " or raw_data"));
  size_t count = count_typed(w, want, fl.typed[want]);
  if (int64_t(count) != numel)
    bad(w, ErrorCode::InvalidModel, cat(kTypedName[want], " has ", count, " values, shape ", dims_str(fl.dims),
                                        " needs ", numel));
  check_fits();
  Tensor t = Tensor::allocate_uninitialized(dt, fl.dims);
  decode_typed(w, dt, want, fl.typed[want], t);
  return t;
}

}  // namespace li
