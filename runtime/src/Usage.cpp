//===- Usage.cpp - The --help text of training executables ----------------===//
//
// One line per flag, grouped by purpose, with the spec's defaults up front so
// `./model --help` tells what a plain `./model` will do.
//===----------------------------------------------------------------------===//

#include "runtime/src/Options.h"
#include "runtime/src/Progress.h"
#include "runtime/src/Schedule.h"

namespace myelin::rt {

/// "spec defaults: ..." for an MLP or a language model.
static std::string specDefaults(const myelin_rt_model_desc *m) {
  std::string kind = m->data_kind ? m->data_kind : "";
  if (kind == "tokens") {
    std::string data = m->data_file && *m->data_file ? m->data_file : "<none>";
    std::string line = formatString(
        "spec defaults: --steps %lld --lr %g --seed %llu --data %s\n"
        "  (batch %lld, context %lld, --schedule %s --warmup %lld --min-lr %g "
        "--clip-grad-norm %g",
        (long long)m->steps, static_cast<double>(m->lr),
        (unsigned long long)m->seed, data.c_str(), (long long)m->batch,
        (long long)m->context, scheduleName(m->schedule),
        (long long)m->warmup_steps, static_cast<double>(m->min_lr),
        static_cast<double>(m->clip_grad_norm));
    if (m->eval_every > 0)
      line += formatString(" --eval-every %lld", (long long)m->eval_every);
    return line + ")\n";
  }
  std::string data =
      kind == "synthetic" ? "synthetic" : (m->data_dir ? m->data_dir : "");
  return formatString("spec defaults: --epochs %lld --lr %g --seed %llu "
                      "--data %s (batch %lld)\n",
                      (long long)m->epochs, static_cast<double>(m->lr),
                      (unsigned long long)m->seed,
                      data.empty() ? "<none>" : data.c_str(),
                      (long long)m->batch);
}

std::string usageText(const std::string &prog,
                      const myelin_rt_model_desc *model) {
  std::string name, defaults;
  if (model) {
    name = model->name ? model->name : "";
    defaults = specDefaults(model);
  }
  return "usage: " + prog + " [flags]\n" + "       " + prog +
         " --sample PROMPT [--tokens N] [--temperature X] [--top-k K]\n\n" +
         "Trains the model '" + name + "' compiled by myelinc.\n" + defaults +
         "\n"
         "training:\n"
         "  --epochs N             train N epochs (not for language models)\n"
         "  --steps N              train N steps (overrides --epochs); with "
         "--resume:\n"
         "                         until step N\n"
         "  --stop-after N         language models: stop this invocation after "
         "N\n"
         "                         steps (checkpointed; continue with "
         "--resume)\n"
         "  --lr X                 (peak) learning rate\n"
         "  --schedule S           constant or cosine (decays to --min-lr at "
         "the\n"
         "                         last step)\n"
         "  --warmup N             linear warmup over the first N steps\n"
         "  --min-lr X             the cosine schedule's final learning rate\n"
         "  --clip-grad-norm X     clip the global gradient norm to X (0 = "
         "off)\n"
         "  --seed N               seed of init, shuffling, data windows and "
         "sampling\n"
         "\n"
         "data:\n"
         "  --data DIR|FILE        directory of IDX files, or 'synthetic'; "
         "language\n"
         "                         models: a text file, or a directory of "
         "them\n"
         "  --data-batches FILE    train on the batches x, y of a "
         "safetensors file\n"
         "                         (in order, one per step; no evaluation)\n"
         "\n"
         "evaluation and output:\n"
         "  --eval-every N         also evaluate every N steps (language "
         "models:\n"
         "                         default every 10% of the run)\n"
         "  --eval-batches N       language models: validation batches "
         "(default 64)\n"
         "  --no-eval              skip evaluation\n"
         "  --log FILE             write JSON lines (one per step and eval)\n"
         "  --progress MODE        auto (live if stderr is a terminal, else a "
         "line\n"
         "                         every 10% of an epoch or run), always, "
         "never\n"
         "  --quiet                no progress output (summary still printed)\n"
         "  --physics-every N      with a model compiled with myelinc --physics: "
         "log\n"
         "                         activation and gradient statistics every N "
         "steps\n"
         "                         (JSON \"physics\" records; 0 = off; "
         "default: the\n"
         "                         spec's physics setting, else 10)\n"
         "\n"
         "early stopping:\n"
         "  --early-stop P         stop when the validation loss has not "
         "improved\n"
         "                         for P evaluations; the best parameters go to\n"
         "                         <checkpoint>.best.safetensors, the latest "
         "to the\n"
         "                         checkpoint\n"
         "  --val-fraction X       MLPs: hold out the last fraction X of the "
         "training\n"
         "                         set for validation (default 0.1 with "
         "--early-stop;\n"
         "                         the test set is never used for it)\n"
         "\n"
         "checkpoints (safetensors):\n"
         "  --save FILE            checkpoint after every epoch (language "
         "models: at\n"
         "                         every evaluation and at the end; default\n"
         "                         " +
         prog +
         ".safetensors next to the executable)\n"
         "  --no-save              language models: write no checkpoint\n"
         "  --load FILE            restore parameters, optimizer state and "
         "step\n"
         "  --resume [FILE]        language models: continue a run "
         "bit-for-bit from\n"
         "                         its checkpoint (default: the default "
         "path)\n"
         "  --init-from FILE       start from the parameters in FILE (by "
         "name), step 0\n"
         "\n"
         "sampling (language models):\n"
         "  --sample PROMPT        generate text after PROMPT from the "
         "checkpoint\n"
         "                         (default path, or --load FILE)\n"
         "  --tokens N             bytes to generate (default 200)\n"
         "  --temperature X        softmax temperature; 0 = argmax (default "
         "1)\n"
         "  --top-k K              sample among the K most likely bytes only\n"
         "\n"
         "gradient check:\n"
         "  --gradcheck            check gradients against finite differences "
         "and exit\n"
         "  --gradcheck-samples N  entries checked per parameter (default 6)\n"
         "  --gradcheck-eps X      finite-difference step (default 1e-2)\n"
         "  --gradcheck-tol X      max |a-n| / max(|a|+|n|, 1e-3) (default "
         "3e-2)\n"
         "\n"
         "  --help                 show this help\n"
         "\n"
         "exit status: 0 success, 1 runtime error or failed gradcheck, 2 bad "
         "flags,\n"
         "             3 non-finite loss or gradient (the last checkpoint is "
         "kept)\n";
}

} // namespace myelin::rt
