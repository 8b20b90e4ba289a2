export { topicsExist } from "./topics-ready.js";
