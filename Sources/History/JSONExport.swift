// History's values are the shared JSON module's JSONValue; every module that reads histories sees it
// through `import History`.
@_exported import JSON
