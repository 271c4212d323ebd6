using Lantern.Configuration;
using Microsoft.Extensions.Configuration;

namespace Lantern.Tests.Configuration;

public sealed class IndexedJsonConfigurationProviderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lantern-indexed-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void GetChildren_SameTreeAsTheStockJsonProvider()
    {
        var file = Path.Combine(_dir, "c.json");
        File.WriteAllText(file, """
            { "sip": { "domain": "d", "listen": [ { "transport": "udp", "port": 5060 }, { "transport": "tcp" } ], "Trusted": [ "10.0.0.1" ] },
              "endpoints": [ { "id": "1", "mailboxes": [ "1@a", "2@a" ] }, { "id": "2", "contacts": [] }, { "ID": "3", "permit": [ "1.2.3.4/32" ] } ],
              "upstreams": [ "u:p@h/1", { "name": "x", "host": "h" } ], "empty": {}, "a": { "b": { "c": { "d": "deep" } } } }
            """);
        var stock = new ConfigurationBuilder().AddJsonFile(file).AddInMemoryCollection([new("endpoints:1:id", "over"), new("extra:k", "v")]).Build();
        var indexed = new ConfigurationBuilder().AddLanternSources(file, includeEnvironment: false, [new("endpoints:1:id", "over"), new("extra:k", "v")]).Build();

        Assert.Equal(Flatten(stock), Flatten(indexed));
        Assert.Equal(["0", "1", "2"], indexed.GetSection("endpoints").GetChildren().Select(c => c.Key));
    }

    [Fact]
    public void Load_ThousandsOfEndpoints_BindsEveryOneWithItsPath()
    {
        var file = Path.Combine(_dir, "big.json");
        var endpoints = string.Join(",", Enumerable.Range(0, 3000).Select(i => $$"""{ "id": "e{{i}}", "password": "p", "mailboxes": [ "{{i}}@default" ] }"""));
        File.WriteAllText(file, $$"""{ "endpoints": [ {{endpoints}}, { "id": "bad", "password": "p", "mailboxes": [ "10 01" ] } ] }""");
        var errors = new List<string>();

        var options = LanternConfigurationLoader.Load(file, includeEnvironment: false, errors);

        Assert.Equal(3001, options.Endpoints.Count);
        Assert.Equal("e2999", options.Endpoints[2999].Id);
        Assert.Equal(["endpoints[3000].mailboxes[0]: invalid mailbox id \"10 01\": the mailbox part must be 1-80 characters from [A-Za-z0-9_.*#+-]"], errors);
    }

    private static List<string> Flatten(IConfiguration configuration) =>
        [.. configuration.AsEnumerable().Select(kv => kv.Key + "=" + kv.Value).Order(StringComparer.Ordinal)];
}
