; Inno Setup 6 script: a Windows installer for the PyInstaller one-folder build of clinic-app.
;
; First build the folder on Windows (see packaging\README.md):
;   pyinstaller --noconfirm --clean packaging\clinic-app.spec      -> dist\clinic-app\
; then compile this script from the checkout's root:
;   iscc packaging\windows\clinic-app.iss                          -> dist\clinic-app-<version>-windows-setup.exe
;
; The version is read from the build (dist\clinic-app\_internal\clinic_app\VERSION, which the spec
; writes from pyproject.toml), so it is never typed here. Pass /DAppVersion=x.y.z to override.
;
; The installer copies program files only. The vault and settings live in the user's profile
; (%LOCALAPPDATA%\clinic-app), never in the install folder, so uninstalling or upgrading leaves
; every clinic's data where it was.

#define AppName "Clinic case manager"
#define Dist AddBackslash(SourcePath) + "..\..\dist\clinic-app"

#ifndef AppVersion
  #define VersionFile FileOpen(Dist + "\_internal\clinic_app\VERSION")
  #if !VersionFile
    #error dist\clinic-app is missing or incomplete: build it with PyInstaller first.
  #endif
  #define AppVersion Trim(FileRead(VersionFile))
  #expr FileClose(VersionFile)
#endif

[Setup]
; AppId identifies the app to Windows across versions (upgrades, uninstall): never change it.
AppId={{55033B51-6863-4712-9A9E-2913E64E0AB8}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
DefaultDirName={autopf}\clinic-app
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Installs for the current user without administrator rights; an administrator may choose
; "all users" in the first dialog (then it goes under Program Files).
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#Dist}\..
OutputBaseFilename=clinic-app-{#AppVersion}-windows-setup
SetupIconFile=..\..\resources\icons\clinic-app.ico
UninstallDisplayIcon={app}\clinic-app-gui.exe
UninstallDisplayName={#AppName}
WizardStyle=modern
Compression=lzma2/max
SolidCompression=yes
; Code signing (placeholder; see packaging\README.md): define a sign tool named "clinicsign"
; when compiling, e.g.
;   iscc /Sclinicsign="signtool sign /fd SHA256 /tr <TIMESTAMP URL> /td SHA256 /sha1 <CERT THUMBPRINT> $f" packaging\windows\clinic-app.iss
; and uncomment the next two lines so the installer and uninstaller are signed as well.
;SignTool=clinicsign
;SignedUninstaller=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
Name: "spanish"; MessagesFile: "compiler:Languages\Spanish.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; clinic-app.exe is the command-line program (a console program: 'clinic-app.exe --help');
; clinic-app-gui.exe is the same program without a console window, for the shortcuts.
Source: "{#Dist}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade replaces the bundled libraries wholesale, so no file of an older version lingers.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\clinic-app-gui.exe"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\clinic-app-gui.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\clinic-app-gui.exe"; Description: "{cm:LaunchProgram,{#StringChange(AppName, '&', '&&')}}"; Flags: nowait postinstall skipifsilent
