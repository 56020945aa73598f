export const courseVersion = "0.1.0";
