// Where each AirLoRA LoRA module sits in a GPT-2 checkpoint (docs/model-and-data.md section 2): the GPT-2 module, its
// weight (Conv1D layout [in, out]; wte is [vocab, n], which is the same [k, d]) and, for q, k, v, which column block
// of the fused c_attn (q | k | v) the module's output is.
import { EMBEDDING_MODULE } from "../transformer/gpt";

export interface Gpt2Site {
  /** The GPT-2 module, e.g. "h.0.attn.c_attn", "h.1.mlp.c_proj", "wte". */
  readonly module: string;
  /** Its weight tensor, [k, blocks * d]. */
  readonly weight: string;
  /** Which of the weight's `blocks` equal column blocks the module's output is (c_attn: 0 q, 1 k, 2 v). */
  readonly block: number;
  readonly blocks: number;
}

const ATTENTION_BLOCKS = { q: 0, k: 1, v: 2 } as const;

export function gpt2SiteOf(moduleName: string): Gpt2Site | undefined {
  if (moduleName === EMBEDDING_MODULE) return { module: "wte", weight: "wte.weight", block: 0, blocks: 1 };
  const match = /^(h\.\d+)\.(attn\.(?:q|k|v|o)|mlp\.(?:fc|proj))$/u.exec(moduleName);
  const layer = match?.[1];
  const part = match?.[2];
  if (layer === undefined || part === undefined) return undefined;
  const at = (module: string, block = 0, blocks = 1): Gpt2Site => ({
    module: `${layer}.${module}`,
    weight: `${layer}.${module}.weight`,
    block,
    blocks,
  });
  switch (part) {
    case "attn.q":
      return at("attn.c_attn", ATTENTION_BLOCKS.q, 3);
    case "attn.k":
      return at("attn.c_attn", ATTENTION_BLOCKS.k, 3);
    case "attn.v":
      return at("attn.c_attn", ATTENTION_BLOCKS.v, 3);
    case "attn.o":
      return at("attn.c_proj");
    case "mlp.fc":
      return at("mlp.c_fc");
    default:
      return at("mlp.c_proj");
  }
}
