using Lantern.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Lantern.Tests.Configuration;

public sealed class LanternConfigurationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lantern-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Load_MixedUpstreams_NormalizesLinesAndObjects()
    {
        var file = Write("""
            {
              "endpoints": [ { "id": "1001", "password": "pw", "mailboxes": [ "1001@default" ] } ],
              "upstreams": [
                "1234:password@provider.example.com/1234",
                { "name": "prov2", "user": "1234", "secret": "pw", "authUser": "auth1234",
                  "host": "mwi.example.net", "port": 5061, "transport": "tls", "mailbox": "4321",
                  "context": "Other", "expires": 1800 }
              ]
            }
            """);
        var errors = new List<string>();
        var options = LanternConfigurationLoader.Load(file, includeEnvironment: false, errors);
        Assert.Empty(errors);
        Assert.Equal(2, options.Upstreams.Count);
        var line = options.Upstreams[0];
        Assert.Equal(("1234", "password", "provider.example.com", "1234", "udp", "SIP_Remote"),
            (line.User, line.Secret, line.Host, line.Mailbox, line.Transport, line.Context));
        Assert.Equal("1234@provider.example.com/1234", line.Name);
        var obj = options.Upstreams[1];
        Assert.Equal(("prov2", "auth1234", 5061, "tls", "4321", "Other", 1800),
            (obj.Name, obj.AuthUser, obj.Port, obj.Transport, obj.Mailbox, obj.Context, obj.Expires));
        Assert.Equal("1001", options.Endpoints[0].EffectiveAuthUser);
        Assert.True(options.Endpoints[0].Aggregate);
        Assert.Equal(20, options.Endpoints[0].MaxSubscriptions);
    }

    [Fact]
    public void Load_ExampleFile_IsValid()
    {
        var example = Path.Combine(FindRepoRoot(), "examples", "lantern.json");
        var errors = new List<string>();
        var options = LanternConfigurationLoader.Load(example, includeEnvironment: false, errors);
        Assert.Empty(errors);
        Assert.Equal(["1001", "1002"], options.Endpoints.Select(e => e.Id));
    }

    [Fact]
    public void Load_NoFile_DefaultsAreValid()
    {
        var errors = new List<string>();
        var options = LanternConfigurationLoader.Load(null, includeEnvironment: false, errors);
        Assert.Empty(errors);
        Assert.Empty(options.Endpoints);
    }

    [Fact]
    public void Load_Overrides_ReplaceUpstreamLine()
    {
        var errors = new List<string>();
        var options = LanternConfigurationLoader.Load(null, includeEnvironment: false, errors,
            [new("upstreams:0", "u@h.example/mb"), new("upstreams:1:user", "x"), new("upstreams:1:host", "y.example"), new("upstreams:1:mailbox", "m")]);
        Assert.Empty(errors);
        Assert.Equal(["u@h.example/mb", "x@y.example/m"], options.Upstreams.Select(u => u.Name));
    }

    [Fact]
    public void Load_OverrideUnderLine_AppliesOnTopOfLine()
    {
        var file = Write("""{ "upstreams": [ "u:pw@h.example/mb" ] }""");
        var errors = new List<string>();
        var options = LanternConfigurationLoader.Load(file, includeEnvironment: false, errors,
            [new("upstreams:0:expires", "120"), new("upstreams:0:transport", "tcp")]);
        Assert.Empty(errors);
        var u = Assert.Single(options.Upstreams);
        Assert.Equal(("u", "pw", "h.example", "mb", 120, "tcp"), (u.User, u.Secret, u.Host, u.Mailbox, u.Expires, u.Transport));
    }

    [Fact]
    public void Load_ManyErrors_AllReportedWithPaths()
    {
        var file = Write("""
            {
              "sip": { "trusted": [ "10.0.0.0/33" ] },
              "endpoints": [
                { "id": "1001", "password": "pw", "mailboxes": [ "1001" ] },
                { "id": "1001", "password": "pw", "ha1": "00112233445566778899aabbccddeeff", "mailboxes": [ "1002" ] },
                { "id": "1003", "mailboxes": [ "1003" ] },
                { "id": "1004", "password": "x", "mailboxes": [ "10 01", "1004", "1004@default" ],
                  "permit": [ "192.0.2.0/24", "not-an-ip" ], "contacts": [ "http://x" ], "maxSubscriptions": 0 },
                { "id": "bad id", "ha1": "xyz", "mailboxes": [] }
              ],
              "upstreams": [ "good@host.example/1", "bad-line-no-at/1", { "user": "u", "host": "h", "mailbox": "1", "transport": "sctp" } ],
              "peers": [
                { "name": "p", "match": [], "mailbox": "1" },
                { "name": "p", "match": [ "192.0.2.10", "pbx.example.com" ], "mailbox": "4123", "username": "x" }
              ]
            }
            """);
        var errors = new List<string>();
        LanternConfigurationLoader.Load(file, includeEnvironment: false, errors);
        string[] expected =
        [
            "sip.trusted[0]: \"10.0.0.0/33\" is not an IP address or CIDR range",
            "endpoints[1].id: duplicate endpoint id \"1001\" (also endpoints[0])",
            "endpoints[1].authUser: auth user \"1001\" is also used by endpoints[0]",
            "endpoints[1]: set either password or ha1, not both",
            "endpoints[2]: needs password or ha1 (an endpoint without credentials must have a permit list)",
            "endpoints[3].mailboxes[0]: invalid mailbox id \"10 01\"",
            "endpoints[3].mailboxes[2]: duplicate mailbox \"1004@default\"",
            "endpoints[3].contacts[0]: \"http://x\" is not a sip: or sips: URI",
            "endpoints[3].permit[1]: \"not-an-ip\" is not an IP address or CIDR range",
            "endpoints[3].maxSubscriptions: 0 must be greater than 0",
            "endpoints[4].id: invalid endpoint id \"bad id\"",
            "endpoints[4].ha1: must be 32 hex digits",
            "endpoints[4].mailboxes: at least one mailbox is needed",
            "upstreams[1]: invalid upstream line \"bad-line-no-at/1\": no '@'",
            "upstreams[2].transport: \"sctp\" is not udp, tcp or tls",
            "upstreams[2].mailbox: mailbox \"1@SIP_Remote\" is already written by upstreams[0]",
            "peers[0].match: at least one address",
            "peers[0].mailbox: mailbox \"1@SIP_Remote\" is already written by upstreams[0]",
            "peers[1].name: duplicate peer name \"p\"",
            "peers[1]: set both username and password, or neither",
        ];
        foreach (var e in expected)
        {
            Assert.Contains(errors, x => x.StartsWith(e, StringComparison.Ordinal));
        }

        Assert.True(expected.Length == errors.Count, string.Join("\n", errors));
    }

    [Fact]
    public void Load_BadApiUsers_Reported()
    {
        var file = Write("""{ "http": { "users": [ { "name": "a", "password": "x" }, { "name": "a", "password": "" } ] }, "ami": { "users": [ { "name": "", "secret": "s" } ] } }""");
        var errors = new List<string>();
        LanternConfigurationLoader.Load(file, includeEnvironment: false, errors);
        Assert.Equal(
            ["http.users[1].name: duplicate user \"a\" (also http.users[0])", "http.users[1].password: must not be empty", "ami.users[0].name: must not be empty"],
            errors);
    }

    [Fact]
    public void Load_NonPositiveAmiAndHttpLimits_Reported()
    {
        var file = Write("""{ "http": { "maxEventStreams": 0 }, "ami": { "authLimit": 0, "outboundQueueLimit": -1, "loginFailureDelayMilliseconds": -5 } }""");
        var errors = new List<string>();
        LanternConfigurationLoader.Load(file, includeEnvironment: false, errors);
        Assert.Equal(
            ["ami.authLimit: 0 must be greater than 0", "ami.outboundQueueLimit: -1 must be greater than 0",
             "ami.loginFailureDelayMilliseconds: -5 must not be negative", "http.maxEventStreams: 0 must be greater than 0"],
            errors);
    }

    [Fact]
    public void Load_DigestAlgorithms_OrderKeptAndBadOnesReported()
    {
        var good = LanternConfigurationLoader.Load(Write("""{ "sip": { "digestAlgorithms": [ "MD5", "SHA-256" ] } }"""), includeEnvironment: false, []);
        Assert.Equal(["MD5", "SHA-256"], good.Sip.EffectiveDigestAlgorithms);
        Assert.Equal(["MD5"], LanternConfigurationLoader.Load(null, includeEnvironment: false, []).Sip.EffectiveDigestAlgorithms);
        var errors = new List<string>();
        LanternConfigurationLoader.Load(Write("""{ "sip": { "digestAlgorithms": [ "MD5", "SHA-1", "MD5" ] } }"""), includeEnvironment: false, errors);
        Assert.Equal(["sip.digestAlgorithms[1]: \"SHA-1\" is not SHA-256 or MD5", "sip.digestAlgorithms[2]: \"MD5\" is listed twice"], errors);
    }

    [Fact]
    public void Load_EndpointDigestAlgorithms_KeptAndBadOnesReported()
    {
        var good = LanternConfigurationLoader.Load(
            Write("""{ "endpoints": [ { "id": "1001", "password": "pw", "mailboxes": [ "1001" ], "digestAlgorithms": [ "SHA-256", "MD5" ] } ] }"""),
            includeEnvironment: false, []);
        Assert.Equal(["SHA-256", "MD5"], good.Endpoints[0].DigestAlgorithms);
        Assert.Equal(["MD5"], good.Sip.EffectiveDigestAlgorithms);

        var errors = new List<string>();
        LanternConfigurationLoader.Load(Write("""
            { "endpoints": [
              { "id": "1001", "password": "pw", "mailboxes": [ "1001" ], "digestAlgorithms": [ "SHA-512", "MD5", "MD5" ] },
              { "id": "1002", "ha1": "0123456789abcdef0123456789abcdef", "mailboxes": [ "1002" ], "digestAlgorithms": [ "SHA-256" ] } ] }
            """), includeEnvironment: false, errors);
        Assert.Equal(
            ["endpoints[0].digestAlgorithms[0]: \"SHA-512\" is not SHA-256 or MD5", "endpoints[0].digestAlgorithms[2]: \"MD5\" is listed twice",
             "endpoints[1].digestAlgorithms: SHA-256 needs the password; an endpoint stored as an MD5 ha1 can only answer MD5"],
            errors);
    }

    [Fact]
    public void Load_AclOnlyEndpointWithPermit_IsValid()
    {
        var file = Write("""{ "endpoints": [ { "id": "gw", "mailboxes": [ "5000" ], "permit": [ "192.0.2.7/24", "10.0.0.0/255.0.0.0", "2001:db8::/32" ] } ] }""");
        var errors = new List<string>();
        LanternConfigurationLoader.Load(file, includeEnvironment: false, errors);
        Assert.Empty(errors);
    }

    [Fact]
    public void Load_WrongValueType_ReportsPath()
    {
        var file = Write("""{ "endpoints": [ { "id": "1", "password": "p", "mailboxes": [ "1" ], "aggregate": "maybe" } ] }""");
        var errors = new List<string>();
        LanternConfigurationLoader.Load(file, includeEnvironment: false, errors);
        Assert.True(errors.Exists(e => e.StartsWith("endpoints[0].aggregate:", StringComparison.Ordinal)), string.Join("\n", errors));
    }

    [Fact]
    public void Load_BrokenJson_ReportsFile()
    {
        var file = Write("{ \"sip\": ");
        var errors = new List<string>();
        LanternConfigurationLoader.Load(file, includeEnvironment: false, errors);
        Assert.Single(errors);
        Assert.Contains("cannot read", errors[0], StringComparison.Ordinal);
    }

    [Fact]
    public void AddLanternOptions_ServiceProvider_BindsUpstreamLines()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new("upstreams:0", "u:pw@h.example:5070/mb")])
            .Build();
        var services = new ServiceCollection().AddLanternOptions(configuration).BuildServiceProvider();
        var options = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<LanternOptions>>().Value;
        Assert.Equal(5070, Assert.Single(options.Upstreams).Port);
    }

    private string Write(string json)
    {
        var path = Path.Combine(_dir, "lantern.json");
        File.WriteAllText(path, json);
        return path;
    }

    internal static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Lantern.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
