using System.Globalization;
using System.Text;
using Lantern.Interop.Tests.Infrastructure;

namespace Lantern.Interop.Tests.Spool;

/// <summary>Voicemail as a source against the built server and a sipp phone: the spool tree changed on disk the way
/// app_voicemail changes it, and Asterisk's <c>externnotify</c> line.</summary>
public sealed class VoicemailSpoolInteropTests
{
    private const string Config = """
        {
          "Logging": { "LogLevel": { "Default": "Warning", "Lantern": "Information" } },
          "sip": { "domain": "127.0.0.1", "listen": [ { "transport": "udp", "address": "127.0.0.1", "port": {SIP_PORT} } ],
            "trusted": [ "127.0.0.0/8" ], "unsolicited": { "startupWindowSeconds": 0 } },
          "store": { "sqlite": "{DB}" },
          "http": { "listen": "127.0.0.1:{HTTP_PORT}", "users": [ { "name": "admin", "password": "pw" } ] },
          "ami": { "listen": "127.0.0.1:{AMI_PORT}", "users": [] },
          "endpoints": [ { "id": "1001", "password": "secret1001", "mailboxes": [ "1001@default" ] } ]
          {SPOOLS}
        }
        """;

    /// <summary>What app_voicemail does to a mailbox folder: media files first and the <c>.txt</c> envelope last when a message
    /// is left; on listening each file renamed from INBOX to Old; on delete each file removed.</summary>
    private const string VoicemailScript = """
        set -e
        box='{BOX}'
        case "$1" in
          leave) mkdir -p "$box/INBOX"; head -c 8000 /dev/zero > "$box/INBOX/msg0000.wav"; head -c 8000 /dev/zero > "$box/INBOX/msg0000.gsm"; echo 'origmailbox=1001' > "$box/INBOX/msg0000.txt" ;;
          listen) mkdir -p "$box/Old"; for f in wav gsm txt; do mv "$box/INBOX/msg0000.$f" "$box/Old/msg0000.$f"; done ;;
          urgent) mkdir -p "$box/Urgent"; head -c 8000 /dev/zero > "$box/Urgent/msg0000.wav"; echo 'flag=Urgent' > "$box/Urgent/msg0000.txt" ;;
          delete) rm "$box/Old/msg0000.wav" "$box/Old/msg0000.gsm" "$box/Old/msg0000.txt" ;;
          remove) rm -rf "$box" ;;
        esac
        """;

    [Fact]
    public async Task SpoolChangedOnDisk_SubscribedPhoneSeesEachChange()
    {
        Assert.True(Sipp.IsInstalled, "sipp is not installed");
        var spool = Directory.CreateTempSubdirectory("lantern-vmspool-").FullName;
        var box = Path.Combine(spool, "default", "1001");
        Directory.CreateDirectory(Path.Combine(box, "INBOX"));
        var config = Config.Replace("{SPOOLS}", $", \"spools\": [ {{ \"name\": \"asterisk\", \"path\": \"{spool}\", \"debounceMilliseconds\": 100 }} ]", StringComparison.Ordinal);
        await using var server = await LanternProcess.StartAsync(config);

        var script = Path.Combine(server.Directory, "voicemail.sh");
        await File.WriteAllTextAsync(script, VoicemailScript.Replace("{BOX}", box, StringComparison.Ordinal));

        var result = await Sipp.RunClientAsync("spool_subscribe.xml", server.SipPort, "udp", ["-inf", Users("1001"), "-key", "vm", script]);

        Assert.True(result.ExitCode == 0, result + "\n" + server.Output);
    }

    [Fact]
    public async Task ExternNotify_AsAsteriskRunsIt_LightsTheSubscribedPhone()
    {
        Assert.True(Sipp.IsInstalled, "sipp is not installed");
        await using var server = await LanternProcess.StartAsync(Config.Replace("{SPOOLS}", string.Empty, StringComparison.Ordinal));

        // The value of voicemail.conf's externnotify=; app_voicemail appends "context extension new old urgent &" and runs it with sh.
        var line = string.Join(' ', "dotnet", Path.Combine(AppContext.BaseDirectory, "lantern.dll"), "mwi", "externnotify",
            "--server", "http://127.0.0.1:" + server.HttpPort.ToString(CultureInfo.InvariantCulture), "--user", "admin", "--password", "pw");
        var result = await Sipp.RunClientAsync("externnotify_subscribe.xml", server.SipPort, "udp", ["-inf", Users("1001"), "-key", "line", line + " default 1001 2 0 1 &"]);

        Assert.True(result.ExitCode == 0, result + "\n" + server.Output);
    }

    private static string Users(params string[] users)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("spool-inf-").FullName, "users.csv");
        var sb = new StringBuilder("SEQUENTIAL\n");
        foreach (var u in users)
        {
            sb.Append(u).Append(";127.0.0.1;\n");
        }

        File.WriteAllText(path, sb.ToString());
        return path;
    }
}
