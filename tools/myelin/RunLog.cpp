//===- RunLog.cpp - Parse a training run's JSON-lines log -----------------===//
//
// One llvm::json::parse per line. A line that is not JSON, not an object, has
// no string "type", or holds a known key with the wrong kind of value is an
// error naming the file and line (and the column, for JSON syntax errors);
// everything else the schema leaves open is tolerated.
//===----------------------------------------------------------------------===//

#include "tools/myelin/RunLog.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Regex.h"

#include <cmath>
#include <set>

using namespace llvm;

namespace myelin::report {

StringRef layerOfParam(StringRef param) {
  size_t dot = param.rfind('.');
  return dot == StringRef::npos ? param : param.take_front(dot);
}

/// `declared` in order (without repeats), then the names only physics
/// records hold (`member` of each record), sorted.
template <typename Stats>
static std::vector<std::string>
declaredThenSorted(const std::vector<std::string> &declared,
                   const std::vector<PhysicsRecord> &physics,
                   std::map<std::string, Stats> PhysicsRecord::*member) {
  std::vector<std::string> order;
  StringSet<> known;
  for (const std::string &name : declared)
    if (known.insert(name).second)
      order.push_back(name);
  std::set<std::string> extra;
  for (const PhysicsRecord &p : physics)
    for (const auto &entry : p.*member)
      if (!known.contains(entry.first))
        extra.insert(entry.first);
  order.insert(order.end(), extra.begin(), extra.end());
  return order;
}

std::vector<std::string> RunLog::layerOrder() const {
  std::vector<std::string> declared;
  for (const LayerInfo &l : layers)
    declared.push_back(l.name);
  return declaredThenSorted(declared, physics, &PhysicsRecord::layers);
}

std::vector<std::string> RunLog::paramOrder() const {
  std::vector<std::string> declared;
  for (const ParamInfo &p : params)
    declared.push_back(p.name);
  return declaredThenSorted(declared, physics, &PhysicsRecord::params);
}

StringRef RunLog::activationOf(StringRef name) const {
  for (const LayerInfo &l : layers)
    if (l.name == name)
      return l.activation;
  return "";
}

namespace {

/// Reads the fields of one record, remembering the first type mismatch.
class RecordReader {
public:
  RecordReader(const json::Object &obj, StringRef type)
      : obj(obj), type(type) {}

  /// A number, null (as NaN) or absent.
  Number number(const json::Object &o, StringRef key, StringRef where = "") {
    const json::Value *v = o.get(key);
    if (!v)
      return std::nullopt;
    if (v->kind() == json::Value::Null)
      return std::nan("");
    if (std::optional<double> d = v->getAsNumber())
      return *d;
    mismatch(key, where, "a number or null", *v);
    return std::nullopt;
  }
  Number number(StringRef key) { return number(obj, key); }

  /// An integer; absent or null give `fallback`.
  int64_t integer(StringRef key, int64_t fallback) {
    std::optional<int64_t> i = optInteger(key);
    return i ? *i : fallback;
  }
  std::optional<int64_t> optInteger(StringRef key) {
    const json::Value *v = obj.get(key);
    if (!v || v->kind() == json::Value::Null)
      return std::nullopt;
    if (std::optional<int64_t> i = v->getAsInteger())
      return *i;
    mismatch(key, "", "an integer", *v);
    return std::nullopt;
  }

  /// A string; absent or null give "".
  std::string string(const json::Object &o, StringRef key,
                     StringRef where = "") {
    const json::Value *v = o.get(key);
    if (!v || v->kind() == json::Value::Null)
      return "";
    if (std::optional<StringRef> s = v->getAsString())
      return s->str();
    mismatch(key, where, "a string", *v);
    return "";
  }
  std::string string(StringRef key) { return string(obj, key); }

  /// An object or array member; absent or null give nullptr.
  const json::Object *object(const json::Object &o, StringRef key,
                             StringRef where = "") {
    const json::Value *v = o.get(key);
    if (!v || v->kind() == json::Value::Null)
      return nullptr;
    if (const json::Object *r = v->getAsObject())
      return r;
    mismatch(key, where, "an object", *v);
    return nullptr;
  }
  const json::Array *array(StringRef key) {
    const json::Value *v = obj.get(key);
    if (!v || v->kind() == json::Value::Null)
      return nullptr;
    if (const json::Array *r = v->getAsArray())
      return r;
    mismatch(key, "", "an array", *v);
    return nullptr;
  }

  /// Records a mismatch found by the caller.
  void mismatch(StringRef key, StringRef where, StringRef expected,
                const json::Value &found) {
    if (!error.empty())
      return;
    std::string path = where.empty() ? key.str() : (where + "." + key).str();
    error = formatv("{0} record: \"{1}\" is {2}, expected {3}", type, path,
                    kindName(found), expected)
                .str();
  }

  std::string error;

private:
  static StringRef kindName(const json::Value &v) {
    switch (v.kind()) {
    case json::Value::Null:
      return "null";
    case json::Value::Boolean:
      return "a boolean";
    case json::Value::Number:
      return "a number";
    case json::Value::String:
      return "a string";
    case json::Value::Array:
      return "an array";
    case json::Value::Object:
      return "an object";
    }
    return "a value";
  }

  const json::Object &obj;
  StringRef type;
};

} // namespace

/// Turns llvm::json's "[1:8, byte=8]: message" into column 8 and "message".
static std::pair<unsigned, std::string> splitParseError(std::string msg) {
  Regex re("^\\[([0-9]+):([0-9]+), byte=[0-9]+\\]: (.*)$");
  SmallVector<StringRef, 4> m;
  if (re.match(msg, &m)) {
    unsigned col = 0;
    m[2].getAsInteger(10, col);
    return {col, m[3].str()};
  }
  return {0, msg};
}

/// Fills `log` from one parsed record, or returns an error message.
static std::string readRecord(const json::Object &obj, RunLog &log,
                              int64_t &lastStep) {
  const json::Value *typeValue = obj.get("type");
  if (!typeValue)
    return "record has no \"type\"";
  std::optional<StringRef> type = typeValue->getAsString();
  if (!type)
    return "record \"type\" is not a string";
  RecordReader r(obj, *type);

  if (*type == "run") {
    log.model = r.string("model");
    log.spec = r.string("spec");
    log.physicsEvery = r.optInteger("physics_every");
    log.layers.clear();
    log.params.clear();
    if (const json::Array *layers = r.array("layers"))
      for (const json::Value &v : *layers) {
        const json::Object *l = v.getAsObject();
        if (!l) {
          r.mismatch("layers[]", "", "an object", v);
          break;
        }
        log.layers.push_back({r.string(*l, "name", "layers[]"),
                              r.string(*l, "activation", "layers[]"),
                              r.string(*l, "loc", "layers[]")});
      }
    if (const json::Array *params = r.array("params"))
      for (const json::Value &v : *params) {
        const json::Object *p = v.getAsObject();
        if (!p) {
          r.mismatch("params[]", "", "an object", v);
          break;
        }
        ParamInfo info{r.string(*p, "name", "params[]"), {}};
        if (const json::Array *shape = p->getArray("shape"))
          for (const json::Value &d : *shape)
            if (std::optional<int64_t> i = d.getAsInteger())
              info.shape.push_back(*i);
        log.params.push_back(std::move(info));
      }
  } else if (*type == "step") {
    StepRecord s;
    s.step = r.integer("step", lastStep + 1);
    s.loss = r.number("loss");
    s.lr = r.number("lr");
    s.gradNorm = r.number("grad_norm");
    lastStep = s.step;
    log.steps.push_back(s);
  } else if (*type == "eval") {
    EvalRecord e;
    e.split = r.string("split");
    e.step = r.integer("step", lastStep);
    e.loss = r.number("loss");
    e.accuracy = r.number("accuracy");
    log.evals.push_back(e);
  } else if (*type == "physics") {
    PhysicsRecord p;
    p.step = r.integer("step", lastStep);
    p.gradNorm = r.number("grad_norm");
    if (const json::Object *layers = r.object(obj, "layers"))
      for (const auto &[name, v] : *layers) {
        const json::Object *l = v.getAsObject();
        std::string where = ("layers." + name).str();
        if (!l) {
          if (v.kind() != json::Value::Null)
            r.mismatch(name, "layers", "an object", v);
          continue;
        }
        p.layers[name.str()] = {
            r.number(*l, "mean", where), r.number(*l, "std", where),
            r.number(*l, "dead", where), r.number(*l, "saturated", where)};
      }
    if (const json::Object *params = r.object(obj, "params"))
      for (const auto &[name, v] : *params) {
        const json::Object *q = v.getAsObject();
        std::string where = ("params." + name).str();
        if (!q) {
          if (v.kind() != json::Value::Null)
            r.mismatch(name, "params", "an object", v);
          continue;
        }
        p.params[name.str()] = {r.number(*q, "grad_norm", where),
                                r.number(*q, "weight_norm", where),
                                r.number(*q, "update_ratio", where)};
      }
    log.physics.push_back(std::move(p));
  } else if (*type == "fault") {
    FaultRecord f;
    f.step = r.integer("step", lastStep);
    f.kind = r.string("kind");
    f.what = r.string("what");
    f.op = r.string("op");
    f.layer = r.string("layer");
    f.loc = r.string("loc");
    f.message = r.string("message");
    log.faults.push_back(f);
  } else if (*type == "early_stop") {
    EarlyStopRecord e;
    e.step = r.integer("step", lastStep);
    e.bestStep = r.optInteger("best_step");
    e.bestValLoss = r.number("best_val_loss");
    e.patience = r.optInteger("patience");
    e.bestCheckpoint = r.string("best_checkpoint");
    log.earlyStops.push_back(e);
  } else if (*type == "end") {
    log.end = EndRecord{r.integer("step", lastStep), r.string("reason")};
  } else {
    // checkpoint, gradcheck and types newer than this reader.
    ++log.ignoredRecords;
  }
  return r.error;
}

Expected<RunLog> parseRunLog(StringRef text, StringRef fileName) {
  RunLog log;
  int64_t lastStep = 0;
  unsigned lineNo = 0;
  while (!text.empty()) {
    auto [line, rest] = text.split('\n');
    text = rest;
    ++lineNo;
    if (line.trim().empty())
      continue;
    ++log.records;
    Expected<json::Value> value = json::parse(line);
    if (!value) {
      auto [col, msg] = splitParseError(toString(value.takeError()));
      std::string pos =
          col ? formatv("{0}:{1}", lineNo, col).str() : std::to_string(lineNo);
      return createStringError(
          inconvertibleErrorCode(), "%s:%s: error: invalid JSON: %s",
          fileName.str().c_str(), pos.c_str(), msg.c_str());
    }
    const json::Object *obj = value->getAsObject();
    std::string err = obj ? readRecord(*obj, log, lastStep)
                          : "expected a JSON object per line";
    if (!err.empty())
      return createStringError(inconvertibleErrorCode(), "%s:%u: error: %s",
                               fileName.str().c_str(), lineNo, err.c_str());
  }
  if (log.records == 0)
    return createStringError(inconvertibleErrorCode(),
                             "%s: error: empty run log (no records)",
                             fileName.str().c_str());
  return log;
}

Expected<RunLog> readRunLog(StringRef path) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> buffer =
      MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/true);
  if (!buffer)
    return createStringError(buffer.getError(), "%s: error: cannot read: %s",
                             path.str().c_str(),
                             buffer.getError().message().c_str());
  return parseRunLog((*buffer)->getBuffer(), path);
}

} // namespace myelin::report
