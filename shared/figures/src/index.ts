// @sg/figures: importing a platform's figures from a CSV or XLSX file (docs/reconciliation.md), shared by
// the gateway's import API and the `import-figures` command.
export { parseFiguresFile, FiguresImportError, type ImportTarget } from "./parse.js";
export { itemAliases } from "./aliases.js";
export { storeImportedFigures } from "./store.js";
