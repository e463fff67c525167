// TSFA predicts what a client will keep under a byte budget with the client's own rule (docs/algorithms.md
// section 3.3), which lives in ../soft/select-components.ts; stage 2 also needs the order in which that rule visits
// components (its breakpoints follow from it).
export {
  selectComponents,
  selectionOrder,
  type ComponentCost,
  type ComponentSelection,
} from "../soft/select-components";
