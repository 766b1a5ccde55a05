//===- RunLogTest.cpp - Tests of the run-log reader -----------------------===//
//
// Every record type, null as NaN, tolerated gaps (unknown types, missing
// keys, blank lines), depth order, and the error messages of bad lines.
//===----------------------------------------------------------------------===//

#include "tools/myelin/RunLog.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace myelin::report;

namespace {

RunLog parseOk(llvm::StringRef text) {
  llvm::Expected<RunLog> log = parseRunLog(text, "run.jsonl");
  if (!log) {
    ADD_FAILURE() << llvm::toString(log.takeError());
    return RunLog();
  }
  return std::move(*log);
}

std::string parseError(llvm::StringRef text) {
  llvm::Expected<RunLog> log = parseRunLog(text, "run.jsonl");
  if (log)
    return "(parsed)";
  return llvm::toString(log.takeError());
}

} // namespace

TEST(RunLogTest, ReadsEveryRecordType) {
  RunLog log = parseOk(
      R"({"type":"run","model":"mlp","spec":"mlp.nn","physics_every":10,"layers":[{"name":"h1","activation":"relu","loc":"mlp.nn:4:10"}],"params":[{"name":"h1.weight","shape":[784,512]},{"name":"h1.bias","shape":[512]}]}
{"type":"step","step":1,"epoch":0,"loss":2.5,"lr":0.001,"step_ms":9.8,"grad_norm":1.5}
{"type":"physics","step":1,"grad_norm":1.5,"layers":{"h1":{"mean":0.3,"std":0.5,"dead":0.25,"saturated":null}},"params":{"h1.weight":{"grad_norm":0.4,"weight_norm":12.1,"update_ratio":0.0011}}}
{"type":"eval","split":"test","step":1,"epoch":0,"loss":2.4,"accuracy":0.3}
{"type":"fault","step":2,"kind":"non-finite","what":"loss","op":"nn.sigmoid","layer":"h1","loc":"mlp.nn:5:8","message":"m"}
{"type":"early_stop","step":3,"best_step":1,"best_val_loss":2.4,"patience":2,"best_checkpoint":"b.safetensors"}
{"type":"end","step":3,"reason":"early_stop"}
)");
  EXPECT_EQ(log.model, "mlp");
  EXPECT_EQ(log.spec, "mlp.nn");
  EXPECT_EQ(log.physicsEvery, 10);
  ASSERT_EQ(log.layers.size(), 1u);
  EXPECT_EQ(log.layers[0].activation, "relu");
  EXPECT_EQ(log.layers[0].loc, "mlp.nn:4:10");
  ASSERT_EQ(log.params.size(), 2u);
  EXPECT_EQ(log.params[0].shape, (std::vector<int64_t>{784, 512}));
  ASSERT_EQ(log.steps.size(), 1u);
  EXPECT_EQ(log.steps[0].loss, 2.5);
  EXPECT_EQ(log.steps[0].gradNorm, 1.5);
  ASSERT_EQ(log.physics.size(), 1u);
  const LayerStats &h1 = log.physics[0].layers.at("h1");
  EXPECT_EQ(h1.dead, 0.25);
  ASSERT_TRUE(h1.saturated.has_value()); // null: present, NaN
  EXPECT_TRUE(std::isnan(*h1.saturated));
  EXPECT_FALSE(isFinite(h1.saturated));
  EXPECT_EQ(log.physics[0].params.at("h1.weight").updateRatio, 0.0011);
  ASSERT_EQ(log.evals.size(), 1u);
  EXPECT_EQ(log.evals[0].accuracy, 0.3);
  ASSERT_EQ(log.faults.size(), 1u);
  EXPECT_EQ(log.faults[0].op, "nn.sigmoid");
  ASSERT_EQ(log.earlyStops.size(), 1u);
  EXPECT_EQ(log.earlyStops[0].bestStep, 1);
  EXPECT_EQ(log.earlyStops[0].bestCheckpoint, "b.safetensors");
  ASSERT_TRUE(log.end.has_value());
  EXPECT_EQ(log.end->reason, "early_stop");
  EXPECT_EQ(log.records, 7u);
  EXPECT_EQ(log.ignoredRecords, 0u);
}

TEST(RunLogTest, ToleratesUnknownTypesMissingKeysAndBlankLines) {
  RunLog log = parseOk("{\"type\":\"checkpoint\",\"step\":1,\"path\":\"x\"}\n"
                       "\n"
                       "{\"type\":\"from_the_future\",\"x\":[1]}\n"
                       "{\"type\":\"step\",\"step\":5}\n"
                       "{\"type\":\"step\",\"loss\":null}\n"
                       "{\"type\":\"eval\"}");
  EXPECT_EQ(log.ignoredRecords, 2u);
  ASSERT_EQ(log.steps.size(), 2u);
  EXPECT_FALSE(log.steps[0].loss.has_value());
  // A step record without "step" follows the previous one.
  EXPECT_EQ(log.steps[1].step, 6);
  EXPECT_TRUE(std::isnan(*log.steps[1].loss));
  ASSERT_EQ(log.evals.size(), 1u);
  EXPECT_EQ(log.evals[0].step, 6);
  EXPECT_FALSE(log.evals[0].loss.has_value());
}

TEST(RunLogTest, DepthOrderIsRunRecordOrderThenByName) {
  RunLog log = parseOk(
      R"({"type":"run","layers":[{"name":"z1"},{"name":"a2"}],"params":[{"name":"z1.w"},{"name":"a2.w"}]}
{"type":"physics","step":1,"layers":{"b":{},"a2":{},"a":{}},"params":{"x.w":{},"a2.w":{},"c.w":{}}})");
  EXPECT_EQ(log.layerOrder(), (std::vector<std::string>{"z1", "a2", "a", "b"}));
  EXPECT_EQ(log.paramOrder(),
            (std::vector<std::string>{"z1.w", "a2.w", "c.w", "x.w"}));
  EXPECT_EQ(layerOfParam("blocks.0.wq"), "blocks.0");
  EXPECT_EQ(layerOfParam("wte"), "wte");
}

TEST(RunLogTest, ReportsBadLinesWithFileAndLine) {
  EXPECT_EQ(parseError("{\"type\":\"step\"}\n{\"type\":\"step\",}"),
            "run.jsonl:2:16: error: invalid JSON: Expected object key");
  EXPECT_EQ(parseError("{\"type\":\"step\"}\n\n3"),
            "run.jsonl:3: error: expected a JSON object per line");
  EXPECT_EQ(parseError("{\"step\":1}"),
            "run.jsonl:1: error: record has no \"type\"");
  EXPECT_EQ(parseError("{\"type\":7}"),
            "run.jsonl:1: error: record \"type\" is not a string");
  EXPECT_EQ(parseError("{\"type\":\"step\",\"step\":1.5}"),
            "run.jsonl:1: error: step record: \"step\" is a number, expected "
            "an integer");
  EXPECT_EQ(parseError("{\"type\":\"run\",\"layers\":[{\"name\":3}]}"),
            "run.jsonl:1: error: run record: \"layers[].name\" is a number, "
            "expected a string");
  EXPECT_EQ(parseError("{\"type\":\"physics\",\"params\":{\"w\":[]}}"),
            "run.jsonl:1: error: physics record: \"params.w\" is an array, "
            "expected an object");
  EXPECT_EQ(parseError(""), "run.jsonl: error: empty run log (no records)");
  EXPECT_EQ(parseError("\n \n"),
            "run.jsonl: error: empty run log (no records)");
}

TEST(RunLogTest, ReadsFilesAndReportsMissingOnes) {
  llvm::Expected<RunLog> log = readRunLog("/nonexistent/run.jsonl");
  ASSERT_FALSE(static_cast<bool>(log));
  EXPECT_EQ(llvm::toString(log.takeError()),
            "/nonexistent/run.jsonl: error: cannot read: No such file or "
            "directory");
}
