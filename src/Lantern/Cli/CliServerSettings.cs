using System.CommandLine;
using System.Text.Json;

namespace Lantern.Cli;

/// <summary>Where the server is and how to authenticate: flags, then environment, then the configuration file.</summary>
internal sealed record CliServerSettings(Uri BaseAddress, string? User, string? Password, string? ApiKey)
{
    public const string DefaultUrl = "http://127.0.0.1:8088";

    public static bool TryResolve(ParseResult parse, CliGlobalOptions options, out CliServerSettings settings, out string error)
    {
        settings = new CliServerSettings(new Uri(DefaultUrl), null, null, null);
        error = string.Empty;
        var url = parse.GetValue(options.Server) ?? Env("LANTERN_URL");
        var user = parse.GetValue(options.User) ?? Env("LANTERN_USER");
        var password = parse.GetValue(options.Password) ?? Env("LANTERN_PASSWORD");
        string? apiKey = null;

        var configPath = parse.GetValue(options.Config)?.FullName ?? Env("LANTERN_CONFIG");
        if (configPath is not null && (url is null || user is null || password is null))
        {
            if (!TryReadConfig(configPath, out var fileUrl, out var fileUser, out var filePassword, out apiKey, out error))
            {
                return false;
            }

            url ??= fileUrl;
            if (user is null && password is null)
            {
                (user, password) = (fileUser, filePassword);
            }
        }

        url ??= DefaultUrl;
        if (!url.Contains("://", StringComparison.Ordinal))
        {
            url = "http://" + url;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            error = $"invalid server URL \"{url}\"";
            return false;
        }

        if ((user is null) != (password is null))
        {
            error = user is null ? "--password given without --user" : "--user given without --password";
            return false;
        }

        settings = new CliServerSettings(uri, user, password, user is null ? apiKey : null);
        return true;
    }

    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

    private static bool TryReadConfig(string path, out string? url, out string? user, out string? password, out string? apiKey, out string error)
    {
        url = user = password = apiKey = null;
        error = string.Empty;
        JsonDocument document;
        try
        {
            using var stream = File.OpenRead(path);
            document = JsonDocument.Parse(stream, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            error = $"cannot read configuration {path}: {ex.Message}";
            return false;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object || !TryGet(document.RootElement, "http", out var http))
            {
                return true;
            }

            var scheme = TryGet(http, "certificate", out var cert) && cert.ValueKind == JsonValueKind.String ? "https" : "http";
            if (TryGet(http, "listen", out var listen) && listen.ValueKind == JsonValueKind.String)
            {
                url = scheme + "://" + ClientAddress(listen.GetString()!);
            }

            if (TryGet(http, "users", out var users) && users.ValueKind == JsonValueKind.Array && users.GetArrayLength() > 0)
            {
                var first = users[0];
                user = TryGet(first, "name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
                password = TryGet(first, "password", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
            }

            if (TryGet(http, "apiKeys", out var keys) && keys.ValueKind == JsonValueKind.Array && keys.GetArrayLength() > 0
                && keys[0].ValueKind == JsonValueKind.String)
            {
                apiKey = keys[0].GetString();
            }
        }

        return true;
    }

    /// <summary>A wildcard listen address is reached through loopback.</summary>
    private static string ClientAddress(string listen)
    {
        var colon = listen.LastIndexOf(':');
        var host = colon > 0 ? listen[..colon] : listen;
        var port = colon > 0 ? listen[colon..] : string.Empty;
        return host switch
        {
            "0.0.0.0" or "*" or "+" or "" => "127.0.0.1" + port,
            "[::]" => "[::1]" + port,
            _ => listen,
        };
    }

    private static bool TryGet(JsonElement element, string name, out JsonElement value)
    {
        value = default;
        if (element.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        return false;
    }
}
