// Net module: see DESIGN.md "Code layout". Sources are added by the issue that builds this role.
