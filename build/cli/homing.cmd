@echo off
rem homing: the Homing command line, run by the installed Homing.exe in Node mode (ELECTRON_RUN_AS_NODE)
rem on the CLI bundled in its app.asar. Shipped in the app's resources\cli\; the menu's "Install Command-Line
rem Tool" puts a one-line homing.cmd that calls this one in a folder on the user's PATH.
setlocal
set ELECTRON_RUN_AS_NODE=1
"%~dp0..\..\Homing.exe" "%~dp0..\app.asar\dist\node\homing.cjs" %*
