// Version: Faultline's version, printed by `faultline --version` and recorded with every campaign night.
/// Bump with each release; a night records it so that a change of harness shows beside a change of results.
let faultlineVersion = "0.9.0"
