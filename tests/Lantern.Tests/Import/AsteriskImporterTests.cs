using System.Text.Json.Nodes;
using Lantern.Cli;
using Lantern.Configuration;
using Lantern.Import;

namespace Lantern.Tests.Import;

public sealed class AsteriskImporterTests
{
    private static readonly string TestData = Path.Combine(AppContext.BaseDirectory, "Import", "TestData");

    private static readonly string SipConf = Path.Combine(TestData, "sip.conf");

    private static readonly string PjsipConf = Path.Combine(TestData, "pjsip.conf");

    [Fact]
    public void Import_SipAndPjsip_MatchesExpectedJson()
    {
        var result = AsteriskImporter.Import(SipConf, PjsipConf);
        Assert.Empty(result.ValidationErrors);
        var expected = JsonNode.Parse(File.ReadAllText(Path.Combine(TestData, "expected-lantern.json")));
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(result.ToJson())), result.ToJson());
    }

    [Theory]
    [InlineData("sip.conf:15: [mapped] mwi=1234:***@provider.example.com/1234 -> upstreams[0] (transport udp)")]
    [InlineData("sip.conf:14: [mapped] mwiexpiry=1800 -> upstreams[1].expires")]
    [InlineData("sip.conf:18: [mapped] register=1234:***@provider.example.com -> upstreams[0].register (registerExpires 120)")]
    [InlineData("sip.conf:17: [ignored] mwi=broken-line-without-at/1 -> invalid upstream line \"broken-line-without-at/1\": no '@' before the host")]
    [InlineData("sip.conf:36: [mapped] secret=*** -> endpoints[0].password")]
    [InlineData("sip.conf:33: [mapped] permit=192.168.1.0/255.255.255.0 -> endpoints[0].permit[0]")]
    [InlineData("sip.conf:32: [ignored] deny=0.0.0.0/0.0.0.0 -> Lantern refuses every address not permitted")]
    [InlineData("sip.conf:41: [mapped] md5secret=*** -> endpoints[1].ha1")]
    [InlineData("sip.conf:42: [mapped] mailbox=1002@default,1003@sales&1004 -> endpoints[1].mailboxes (aggregated)")]
    [InlineData("sip.conf:44: [mapped] buggymwi=yes -> endpoints[1].omitUrgent")]
    [InlineData("sip.conf:45: [mapped] subscribemwi=yes -> endpoints[1].unsolicited")]
    [InlineData("sip.conf:46: [mapped] mwi_from=voicemail -> endpoints[1].fromUser")]
    [InlineData("sip.conf:9: [mapped] defaultexpiry=120 -> sip.registrations.defaultExpires, sip.subscriptions.defaultExpires")]
    [InlineData("sip.conf:38: [ignored] callerid=\"Alice\" <1001> -> not used by Lantern")]
    [InlineData("sip.d/trunks.conf:6: [mapped] unsolicited_mailbox=4123 -> peers[0] (mailbox 4123@SIP_Remote)")]
    [InlineData("sip.d/trunks.conf:3: [mapped] host=192.0.2.10 -> peers[0].match[0]")]
    [InlineData("sip.d/trunks.conf:11: [mapped] host=198.51.100.20 -> endpoints[2].contacts[0], permit[0]")]
    [InlineData("sip_extra.conf:2: [mapped] defaultuser=salesdesk -> endpoints[3].authUser")]
    [InlineData("sip_extra.conf:8: [ignored] secret=*** -> [nomwi] has no mailbox")]
    [InlineData("sip_extra.conf:14: [ignored] mailbox=9999 -> [guest] is type=user")]
    [InlineData("sip_extra.conf:16: [ignored] #include sip_extra.conf -> include cycle")]
    [InlineData("sip_extra.conf:17: [ignored] #include missing.conf -> file not found: missing.conf")]
    [InlineData("pjsip.conf:5: [mapped] mwi_disable_initial_unsolicited=yes -> sip.unsolicited.sendOnStartup")]
    [InlineData("pjsip.conf:4: [mapped] default_voicemail_extension=*98 -> voicemailExtension of every pjsip endpoint")]
    [InlineData("pjsip.conf:11: [mapped] bind=0.0.0.0:5061 -> sip.listen[2]")]
    [InlineData("pjsip.conf:33: [mapped] password=*** -> endpoints[4].password")]
    [InlineData("pjsip.conf:38: [mapped] mailboxes=2099@default -> endpoints[4].mailboxes")]
    [InlineData("pjsip.conf:37: [mapped] max_contacts=2 -> endpoints[4].maxContacts")]
    [InlineData("pjsip.conf:39: [ignored] minimum_expiration=30 -> sip.registrations.minExpires is global in Lantern and already 60")]
    [InlineData("pjsip.conf:27: [mapped] mwi_subscribe_replaces_unsolicited=no -> endpoints[4].subscribeReplacesUnsolicited")]
    [InlineData("pjsip.conf:53: [mapped] md5_cred=*** -> endpoints[5].ha1")]
    [InlineData("pjsip.conf:52: [mapped] username=auth2002 -> endpoints[5].authUser")]
    [InlineData("pjsip.conf:59: [mapped] contact=sip:2002@192.0.2.50:5060 -> endpoints[5].contacts[0]")]
    [InlineData("pjsip.conf:46: [mapped] aggregate_mwi=no -> endpoints[5].aggregate")]
    [InlineData("pjsip.conf:64: [mapped] incoming_mwi_mailbox=5555@SIP_Remote -> peers[1].mailbox")]
    [InlineData("pjsip.conf:74: [mapped] match=203.0.113.0/24,itsp.example.com -> peers[1].match")]
    [InlineData("pjsip.conf:88: [mapped] match=192.0.2.77 -> endpoints[6].permit")]
    [InlineData("pjsip.conf:92: [ignored] username=nobody -> [orphan-auth] (type=auth) is not used by any imported endpoint")]
    [InlineData("pjsip.conf:96: [ignored] type=registration -> type=registration: not used by Lantern")]
    public void Import_Report_HasLine(string line)
    {
        var result = AsteriskImporter.Import(SipConf, PjsipConf);
        var lines = result.Report.Select(r => r.ToString()).ToList();
        Assert.True(lines.Exists(l => l.StartsWith(line, StringComparison.Ordinal)), string.Join("\n", lines));
    }

    [Fact]
    public void Import_Report_NeverShowsSecrets()
    {
        var text = string.Join("\n", AsteriskImporter.Import(SipConf, PjsipConf).Report);
        foreach (var secret in new[] { "s3cret", "pass;word1001", "desk-pw", "pj2001", "fedcba9876543210", "guestpw", "orphanpw" })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Import_EverySettingReported()
    {
        var result = AsteriskImporter.Import(SipConf, PjsipConf);
        var reported = result.Report.Select(r => (r.File, r.Line)).ToHashSet();
        foreach (var (file, display) in new[] { (SipConf, "sip.conf"), (PjsipConf, "pjsip.conf") })
        {
            var lines = File.ReadAllLines(file);
            var inBlock = false;
            for (var i = 0; i < lines.Length; i++)
            {
                var text = AsteriskConfigParser.StripComments(lines[i], ref inBlock).Trim();
                if (text.Contains('=', StringComparison.Ordinal) && !text.StartsWith('['))
                {
                    Assert.True(reported.Contains((display, i + 1)), $"{display}:{i + 1} not reported: {text}");
                }
            }
        }
    }

    [Fact]
    public void Import_Output_PassesConfigCheck()
    {
        var result = AsteriskImporter.Import(SipConf, PjsipConf);
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, result.ToJson());
            using var output = new StringWriter();
            using var error = new StringWriter();
            Assert.Equal(0, ConfigCommand.Check(path, includeEnvironment: false, output, error));
            var errors = new List<string>();
            var warnings = new List<string>();
            var options = LanternConfigurationLoader.Load(path, includeEnvironment: false, errors, warnings);

            // Every setting binds; the sample's short secrets are only warned about.
            Assert.DoesNotContain(warnings, w => w.Contains("unknown setting", StringComparison.Ordinal));
            Assert.Equal(1800, options.Upstreams[0].Expires);
            Assert.Equal("*97", options.Endpoints[0].VoicemailExtension);
            Assert.False(options.Sip.Unsolicited.SendOnStartup);
            Assert.Equal("pbx.example.com", options.Sip.EffectiveRealm);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Run_WritesFileAndRefusesOverwrite()
    {
        var path = Path.Combine(Path.GetTempPath(), $"lantern-import-{Guid.NewGuid():N}.json");
        try
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            Assert.Equal(0, ImportCommand.Run(SipConf, null, null, null, path, force: false, output, error));
            Assert.Contains("wrote", output.ToString(), StringComparison.Ordinal);
            Assert.Contains("[mapped]", output.ToString(), StringComparison.Ordinal);
            Assert.True(File.Exists(path));
            Assert.Equal(2, ImportCommand.Run(SipConf, null, null, null, path, force: false, output, error));
            Assert.Equal(0, ImportCommand.Run(SipConf, null, null, null, path, force: true, output, error));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Run_NoInputOrMissingFile_ExitsTwo()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(2, ImportCommand.Run(null, null, null, null, null, force: false, output, error));
        Assert.Equal(2, ImportCommand.Run("/nonexistent/sip.conf", null, null, null, null, force: false, output, error));
    }

    [Fact]
    public void Import_ConflictingExpiry_AdjustedToValidate()
    {
        var dir = Directory.CreateTempSubdirectory("lantern-imp-").FullName;
        try
        {
            var sip = Path.Combine(dir, "sip.conf");
            File.WriteAllText(sip, "[general]\nmaxexpiry=1800\nsubminexpiry=9000\n[p]\ntype=friend\nsecret=x\nmailbox=1\n[p2]\ntype=friend\nsecret=y\ndefaultuser=p\nmailbox=2\n");
            var result = AsteriskImporter.Import(sip, null);
            Assert.Empty(result.ValidationErrors);
            Assert.Equal(1800, (int)result.Configuration["sip"]!["registrations"]!["defaultExpires"]!);
            Assert.Equal(9000, (int)result.Configuration["sip"]!["subscriptions"]!["maxExpires"]!);
            Assert.Contains(result.Report, r => r.Key == "secret" && r.Detail.Contains("auth user \"p\" is already used by endpoints[0]", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Import_RepeatedGeneral_ReadAsOneAndNotAnEndpoint()
    {
        var dir = Directory.CreateTempSubdirectory("lantern-imp-").FullName;
        try
        {
            var sip = Path.Combine(dir, "sip.conf");
            File.WriteAllText(sip, "[general]\nvmexten=*97\n[p]\ntype=friend\nsecret=x\nmailbox=1\n[general]\nmwi => u@h.example/9\n");
            var result = AsteriskImporter.Import(sip, null);
            Assert.Empty(result.ValidationErrors);
            Assert.Single(result.Configuration["endpoints"]!.AsArray());
            Assert.Equal("*97", (string?)result.Configuration["endpoints"]![0]!["voicemailExtension"]);
            Assert.Equal("h.example", (string?)result.Configuration["upstreams"]![0]!["host"]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("register => 9:pw@h.example~600", true, 600)]
    [InlineData("register => udp://9@h.example:pw:auth9@h.example/9000", true, 120)]
    [InlineData("register => peer1?9:pw@h.example", true, 120)]
    [InlineData("register => 9:pw@other.example", false, 0)]
    [InlineData("register => 8:pw@h.example", false, 0)]
    public void Import_RegisterLine_TurnsOnTheMatchingUpstreamsRegistration(string register, bool matched, int expires)
    {
        var dir = Directory.CreateTempSubdirectory("lantern-imp-").FullName;
        try
        {
            var sip = Path.Combine(dir, "sip.conf");
            File.WriteAllText(sip, "[general]\n" + register + "\nmwi => 9:pw@h.example/9\n");
            var result = AsteriskImporter.Import(sip, null);
            Assert.Empty(result.ValidationErrors);
            var upstream = result.Configuration["upstreams"]![0]!;
            var report = string.Join("\n", result.Report);
            if (matched)
            {
                Assert.True((bool?)upstream["register"]);
                Assert.Equal(expires, (int?)upstream["registerExpires"]);
                Assert.Contains("sip.conf:2: [mapped] register=", report, StringComparison.Ordinal);
            }
            else
            {
                Assert.Null(upstream["register"]);
                Assert.Contains("[ignored] register=", report, StringComparison.Ordinal);
                Assert.Contains("no mwi => line at that user@host[:port]", report, StringComparison.Ordinal);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Import_PeerWithoutSecretDynamicHost_NotImportedWithReason()
    {
        var dir = Directory.CreateTempSubdirectory("lantern-imp-").FullName;
        try
        {
            var sip = Path.Combine(dir, "sip.conf");
            File.WriteAllText(sip, "[p]\ntype=friend\nhost=dynamic\nmailbox=1\n[bad name]\ntype=friend\nsecret=x\nmailbox=2\n[q]\ntype=peer\nhost=dynamic\nunsolicited_mailbox=77\n");
            var result = AsteriskImporter.Import(sip, null);
            Assert.Empty(result.ValidationErrors);
            Assert.Empty(result.Configuration["endpoints"]!.AsArray());
            Assert.Empty(result.Configuration["peers"]!.AsArray());
            var report = string.Join("\n", result.Report);
            Assert.Contains("sip.conf:4: [ignored] mailbox=1 -> [p] has no secret and no address to permit", report, StringComparison.Ordinal);
            Assert.Contains("sip.conf:8: [ignored] mailbox=2 -> [bad name] is not a valid endpoint id", report, StringComparison.Ordinal);
            Assert.Contains("sip.conf:12: [ignored] unsolicited_mailbox=77 -> needs a static host=", report, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
