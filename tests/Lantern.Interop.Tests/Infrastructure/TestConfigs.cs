namespace Lantern.Interop.Tests.Infrastructure;

/// <summary>Configuration templates for <see cref="LanternProcess"/> (placeholders: {SIP_PORT}, {TLS_PORT}, {HTTP_PORT}, {AMI_PORT}, {DB}).</summary>
internal static class TestConfigs
{
    /// <remarks>MD5 is challenged first because sipp answers only the first challenge and knows no SHA-256.</remarks>
    public const string Minimal = """
        {
          "Logging": { "LogLevel": { "Default": "Warning", "Lantern": "Information" } },
          "sip": { "domain": "127.0.0.1", "digestAlgorithms": [ "MD5", "SHA-256" ], "listen": [
            { "transport": "udp", "address": "127.0.0.1", "port": {SIP_PORT} },
            { "transport": "tcp", "address": "127.0.0.1", "port": {SIP_PORT} } ] },
          "store": { "sqlite": "{DB}" },
          "http": { "listen": "127.0.0.1:{HTTP_PORT}", "users": [ { "name": "admin", "password": "pw" } ] },
          "ami": { "listen": "127.0.0.1:{AMI_PORT}", "users": [ { "name": "admin", "secret": "pw", "write": true } ] }
        }
        """;

    /// <summary><see cref="Minimal"/> plus a TLS listener on {TLS_PORT}; {CERT} and {KEY} are PEM file paths the test fills in.</summary>
    public const string WithTls = """
        {
          "Logging": { "LogLevel": { "Default": "Warning", "Lantern": "Information" } },
          "sip": { "domain": "127.0.0.1", "listen": [
            { "transport": "udp", "address": "127.0.0.1", "port": {SIP_PORT} },
            { "transport": "tcp", "address": "127.0.0.1", "port": {SIP_PORT} },
            { "transport": "tls", "address": "127.0.0.1", "port": {TLS_PORT}, "certificate": "{CERT}", "key": "{KEY}" } ] },
          "store": { "sqlite": "{DB}" },
          "http": { "listen": "127.0.0.1:{HTTP_PORT}", "users": [ { "name": "admin", "password": "pw" } ] },
          "ami": { "listen": "127.0.0.1:{AMI_PORT}", "users": [ { "name": "admin", "secret": "pw", "write": true } ] }
        }
        """;

    /// <summary>examples/lantern.json as shipped with only its ports and database moved to placeholders.</summary>
    public static string ShippedExample()
    {
        var example = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "examples", "lantern.json"));
        var config = example
            .Replace("\"port\": 5060", "\"port\": {SIP_PORT}", StringComparison.Ordinal)
            .Replace("127.0.0.1:8088", "127.0.0.1:{HTTP_PORT}", StringComparison.Ordinal)
            .Replace("127.0.0.1:5038", "127.0.0.1:{AMI_PORT}", StringComparison.Ordinal)
            .Replace("\"lantern.db\"", "\"{DB}\"", StringComparison.Ordinal);
        Assert.Contains("{SIP_PORT}", config, StringComparison.Ordinal);
        Assert.Contains("{HTTP_PORT}", config, StringComparison.Ordinal);
        Assert.Contains("{DB}", config, StringComparison.Ordinal);
        return config;
    }
}
