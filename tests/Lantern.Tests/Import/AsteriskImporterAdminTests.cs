using Lantern.Configuration;
using Lantern.Import;

namespace Lantern.Tests.Import;

/// <summary>What an Asterisk admin expects of the import: the domain phones see, ports clear of the Asterisk it runs next
/// to, and <c>allowsubscribe</c> carried over.</summary>
public sealed class AsteriskImporterAdminTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("lantern-import-admin-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("fromdomain=pbx.example.org\nrealm=asterisk\nudpbindaddr=192.0.2.5", "pbx.example.org")]
    [InlineData("realm=voice.example.net\nudpbindaddr=192.0.2.5", "voice.example.net")]
    [InlineData("udpbindaddr=192.0.2.5:5062", "192.0.2.5")]
    [InlineData("bindaddr=192.0.2.6", "192.0.2.6")]
    public void Import_GeneralNamesADomain_SipDomainSet(string general, string domain)
    {
        var result = Import("[general]\n" + general + "\n" + Phone);

        Assert.Empty(result.ValidationErrors);
        Assert.Equal(domain, result.Configuration["sip"]!["domain"]!.GetValue<string>());
        var options = LanternConfigurationLoader.LoadJson(result.ToJson(), []);
        Assert.Equal(domain, options.Sip.Domain);
    }

    [Theory]
    [InlineData("udpbindaddr=0.0.0.0:5060")]
    [InlineData("context=default")]
    public void Import_NoDomainToTake_WarnsInsteadOfGuessing(string general)
    {
        var result = Import("[general]\n" + general + "\n" + Phone);

        Assert.Null(result.Configuration["sip"]!["domain"]);
        Assert.Contains(result.Report, l => l.Action == ImportAction.Warning && l.ToString().Contains("sip.domain not set", StringComparison.Ordinal));
    }

    [Fact]
    public void Import_AsteriskDefaults_NoListenerOnAnAsteriskPort()
    {
        var result = Import("[general]\ncontext=default\n" + Phone);

        var json = result.Configuration;
        var listen = json["sip"]!["listen"]!.AsArray();
        Assert.Equal(("udp", "0.0.0.0", 5080), (listen[0]!["transport"]!.GetValue<string>(), listen[0]!["address"]!.GetValue<string>(), listen[0]!["port"]!.GetValue<int>()));
        Assert.Equal("127.0.0.1:8090", json["http"]!["listen"]!.GetValue<string>());
        Assert.Equal("127.0.0.1:5048", json["ami"]!["listen"]!.GetValue<string>());
        Assert.Contains(result.Report, l => l.ToString().Contains("ami.listen 127.0.0.1:5048 (Asterisk's AMI port 5038: manager.conf not given", StringComparison.Ordinal));
    }

    [Fact]
    public void Import_NoGeneralSection_ListenerStillClearOfChanSipsDefault()
    {
        var result = Import(Phone);

        var listen = result.Configuration["sip"]!["listen"]!.AsArray();
        Assert.Equal(5080, listen[0]!["port"]!.GetValue<int>());
    }

    [Fact]
    public void Import_ManagerAndHttpConf_TheirPortsAvoided()
    {
        var sip = Write("sip.conf", "[general]\nudpbindaddr=127.0.0.1:6000\ntcpenable=yes\n" + Phone);
        var manager = Write("manager.conf", "[general]\nenabled=yes\nport=6100\nbindaddr=127.0.0.1\n\n[admin]\nsecret=amipw\nread=all\n");
        var http = Write("http.conf", "[general]\nenabled=yes\nbindport=6200\ntlsbindaddr=0.0.0.0:6202\n");

        var result = AsteriskImporter.Import(sip, null, manager, http);

        var json = result.Configuration;
        var listen = json["sip"]!["listen"]!.AsArray();
        Assert.Equal([6020, 6020], listen.Select(l => l!["port"]!.GetValue<int>()));
        Assert.Equal("127.0.0.1:6203", json["http"]!["listen"]!.GetValue<string>());
        Assert.Equal("127.0.0.1:6110", json["ami"]!["listen"]!.GetValue<string>());
        var report = string.Join("\n", result.Report);
        Assert.Contains("manager.conf:3: [used] port=6100 -> Asterisk's AMI port", report, StringComparison.Ordinal);
        Assert.Contains("manager.conf:7: [ignored] secret=*** -> AMI users are not imported", report, StringComparison.Ordinal);
        Assert.DoesNotContain("amipw", report, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_GeneralAllowSubscribeNo_EveryEndpointRefusesSubscribe()
    {
        var result = Import("[general]\nallowsubscribe=no\n" + Phone + "allowsubscribe=yes\n");

        var endpoint = result.Configuration["endpoints"]![0]!;
        Assert.False(endpoint["allowSubscribe"]!.GetValue<bool>());
        var report = string.Join("\n", result.Report);
        Assert.Contains("[mapped] allowsubscribe=no -> allowSubscribe of every sip.conf endpoint", report, StringComparison.Ordinal);
        Assert.Contains("[ignored] allowsubscribe=yes -> [general] allowsubscribe=no wins", report, StringComparison.Ordinal);
        Assert.DoesNotContain("call handling", report, StringComparison.Ordinal);
        Assert.False(LanternConfigurationLoader.LoadJson(result.ToJson(), []).Endpoints[0].AllowSubscribe);
    }

    [Fact]
    public void Import_PeerAllowSubscribeNo_ThatEndpointOnly()
    {
        var result = Import("[general]\ncontext=default\n" + Phone + "allowsubscribe=no\n\n[1002]\ntype=friend\nsecret=pw2\nmailbox=1002\n");

        Assert.False(result.Configuration["endpoints"]![0]!["allowSubscribe"]!.GetValue<bool>());
        Assert.Null(result.Configuration["endpoints"]![1]!["allowSubscribe"]);
        Assert.Contains(result.Report, l => l.ToString().Contains("allowsubscribe=no -> endpoints[0].allowSubscribe", StringComparison.Ordinal));
    }

    private const string Phone = "\n[1001]\ntype=friend\nhost=dynamic\nsecret=pw1\nmailbox=1001\n";

    private AsteriskImportResult Import(string sipConf) => AsteriskImporter.Import(Write("sip.conf", sipConf), null);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }
}
