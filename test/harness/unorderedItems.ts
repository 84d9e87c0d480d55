/**
 * Items of the lists ServiceStage keeps as sets (provider/unorderedLists.ts), as a program
 * declares them: three envs and two external accesses.
 */
export const envs = [
  { name: "REPORT_DAY", value: "monday" },
  { name: "REPORT_FORMAT", value: "csv" },
  { name: "REPORT_BUCKET", value: "obs://reports" },
];
export const accesses = [
  { protocol: "http", address: "report.example", forwardPort: 8080 },
  { protocol: "https", address: "secure.example", forwardPort: 8443 },
];
