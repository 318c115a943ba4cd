/**
 * The HIPAA Security Rule implementation specifications the rules cite, with their names (what RULES.md
 * and the reports print next to a citation). The roster test requires every cited control to be here.
 */

/** 45 CFR Part 164 Subpart C citations used by the rules, with the standard or specification name. */
export const HIPAA_CONTROLS: Readonly<Record<string, string>> = {
  "164.308(a)(1)(ii)(B)": "Security management process: risk management",
  "164.308(a)(1)(ii)(D)": "Security management process: information system activity review",
  "164.308(a)(4)(ii)(B)": "Information access management: access authorization (addressable)",
  "164.308(a)(5)(ii)(B)": "Security awareness and training: protection from malicious software (addressable)",
  "164.308(a)(5)(ii)(C)": "Security awareness and training: log-in monitoring (addressable)",
  "164.308(a)(5)(ii)(D)": "Security awareness and training: password management (addressable)",
  "164.308(a)(6)(ii)": "Security incident procedures: response and reporting",
  "164.308(a)(7)(ii)(A)": "Contingency plan: data backup plan",
  "164.308(a)(7)(ii)(B)": "Contingency plan: disaster recovery plan",
  "164.308(a)(7)(ii)(C)": "Contingency plan: emergency mode operation plan",
  "164.308(a)(7)(ii)(D)": "Contingency plan: testing and revision procedures (addressable)",
  "164.312(a)(1)": "Access control",
  "164.312(a)(2)(iv)": "Access control: encryption and decryption (addressable)",
  "164.312(b)": "Audit controls",
  "164.312(c)(1)": "Integrity",
  "164.312(d)": "Person or entity authentication",
  "164.312(e)(1)": "Transmission security",
  "164.312(e)(2)(ii)": "Transmission security: encryption (addressable)",
  "164.316(b)(1)": "Documentation",
  "164.316(b)(2)(i)": "Documentation: time limit (retain six years)",
};
