export * from "./special";
export * from "./frequentist";
export * from "./checks";
export * from "./bayes";
export * from "./sequential";
