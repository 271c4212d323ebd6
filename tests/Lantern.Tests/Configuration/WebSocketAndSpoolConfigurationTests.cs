using Lantern.Configuration;

namespace Lantern.Tests.Configuration;

/// <summary>Validation of <c>sip.listen</c> ws/wss entries and <c>spools[]</c>: each error names its setting.</summary>
public sealed class WebSocketAndSpoolConfigurationTests
{
    [Fact]
    public void WsAndWss_Valid_WithOriginsAndCertificate()
    {
        var spool = Directory.CreateTempSubdirectory("lantern-cfg-spool-").FullName;
        var errors = Load($$"""
            { "sip": { "listen": [
                { "transport": "ws", "port": 8088, "allowedOrigins": [ "https://phone.example.com", "http://127.0.0.1:8080" ] },
                { "transport": "wss", "port": 8089, "certificate": "c.pem", "key": "k.pem" } ] },
              "http": { "listen": "127.0.0.1:9999" },
              "spools": [ { "name": "asterisk", "path": "{{spool}}" } ] }
            """, out var options);

        Assert.Empty(errors);
        Assert.Equal(["https://phone.example.com", "http://127.0.0.1:8080"], options.Sip.Listen[0].AllowedOrigins);
        Assert.Equal(60, options.Spools[0].RescanSeconds);
    }

    [Fact]
    public void Errors_NameTheSetting()
    {
        var errors = Load("""
            { "sip": { "listen": [
                { "transport": "wss", "port": 8089 },
                { "transport": "tcp", "port": 5060, "allowedOrigins": [ "https://a.example" ] },
                { "transport": "ws", "port": 8088, "allowedOrigins": [ "phone.example.com", "https://a.example/path" ] },
                { "transport": "websocket", "port": 8090 } ] },
              "spools": [ { "name": "a", "path": "/nonexistent/lantern-spool" }, { "name": "a", "path": "", "rescanSeconds": 0, "debounceMilliseconds": -1 } ] }
            """, out _);

        Assert.Contains("sip.listen[0]: wss needs certificate and key", errors);
        Assert.Contains("sip.listen[1].allowedOrigins: only ws and wss listeners check origins", errors);
        Assert.Contains(errors, e => e.StartsWith("sip.listen[2].allowedOrigins[0]: \"phone.example.com\" is not an origin", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("sip.listen[2].allowedOrigins[1]: \"https://a.example/path\" is not an origin", StringComparison.Ordinal));
        Assert.Contains("sip.listen[3].transport: \"websocket\" is not udp, tcp, tls, ws or wss", errors);
        Assert.Contains("spools[0].path: directory \"/nonexistent/lantern-spool\" does not exist", errors);
        Assert.Contains("spools[1].name: duplicate spool name \"a\" (also spools[0])", errors);
        Assert.Contains("spools[1].path: must not be empty", errors);
        Assert.Contains("spools[1].rescanSeconds: 0 must be greater than 0", errors);
        Assert.Contains("spools[1].debounceMilliseconds: -1 must not be negative", errors);
    }

    private static List<string> Load(string json, out LanternOptions options)
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("lantern-cfg-").FullName, "lantern.json");
        File.WriteAllText(file, json);
        var errors = new List<string>();
        options = LanternConfigurationLoader.Load(file, includeEnvironment: false, errors);
        return errors;
    }
}
