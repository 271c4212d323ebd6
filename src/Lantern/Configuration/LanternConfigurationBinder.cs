namespace Lantern.Configuration;

/// <summary>
/// Binds <see cref="LanternOptions"/> from configuration. The standard binder cannot bind <c>upstreams</c>, a list
/// mixing Asterisk-format strings and objects, so that section is read child by child and normalized here.
/// </summary>
public static class LanternConfigurationBinder
{
    public const string UpstreamsKey = "upstreams";

    /// <summary>Fills <paramref name="options"/>; binding problems land in its bind errors for the validator.</summary>
    public static void Bind(IConfiguration configuration, LanternOptions options)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            configuration.Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            options.BindErrors.Add(DescribeBindError(ex));
        }

        // The standard binder silently drops a list element with a value of the wrong type: bind these one by one.
        var errors = options.BindErrors;
        options.Endpoints = BindList<EndpointOptions>(configuration.GetSection("endpoints"), errors);
        options.Peers = BindList<PeerOptions>(configuration.GetSection("peers"), errors);
        options.Spools = BindList<SpoolOptions>(configuration.GetSection("spools"), errors);
        options.Sip.Listen = BindList<SipListenOptions>(configuration.GetSection("sip:listen"), errors);
        options.Http.Users = BindList<HttpUserOptions>(configuration.GetSection("http:users"), errors);
        options.Ami.Users = BindList<AmiUserOptions>(configuration.GetSection("ami:users"), errors);
        options.Upstreams = BindUpstreams(configuration.GetSection(UpstreamsKey), errors);
    }

    private static List<T> BindList<T>(IConfigurationSection section, List<string> errors)
        where T : new()
    {
        var result = new List<T>();
        foreach (var child in section.GetChildren())
        {
            var item = new T();
            try
            {
                child.Bind(item);
            }
            catch (InvalidOperationException ex)
            {
                errors.Add(DescribeBindError(ex));
            }

            result.Add(item);
        }

        return result;
    }

    /// <summary>Reads the children of <c>upstreams</c>: a string child is a line, an object child a structured entry.</summary>
    public static List<UpstreamOptions> BindUpstreams(IConfigurationSection section, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(errors);
        var result = new List<UpstreamOptions>();
        foreach (var child in section.GetChildren())
        {
            UpstreamOptions upstream;
            if (child.Value is not null)
            {
                // A bad line still takes its slot, so validation reports it with the right index.
                if (!UpstreamLine.TryParse(child.Value, out upstream, out var error))
                {
                    upstream.LineError = error;
                }
            }
            else
            {
                upstream = new UpstreamOptions();
            }

            // Keys under an entry (an object, or environment overrides such as LANTERN__UPSTREAMS__0__EXPIRES on a line) apply on top.
            if (child.GetChildren().Any())
            {
                var nameFromLine = upstream.Line is not null ? upstream.Name : null;
                try
                {
                    child.Bind(upstream);
                }
                catch (InvalidOperationException ex)
                {
                    errors.Add(DescribeBindError(ex));
                }

                if (nameFromLine is not null && upstream.Name == nameFromLine && upstream.LineError is null)
                {
                    upstream.Name = UpstreamLine.DefaultName(upstream);
                }
            }

            if (string.IsNullOrEmpty(upstream.Name) && upstream.User.Length > 0 && upstream.Host.Length > 0)
            {
                upstream.Name = UpstreamLine.DefaultName(upstream);
            }

            result.Add(upstream);
        }

        return result;
    }

    private static string DescribeBindError(InvalidOperationException ex)
    {
        // The binder says "Failed to convert configuration value at 'endpoints:0:aggregate' to type ...":
        // turn the colon path into the JSON path the rest of the messages use.
        var message = ex.Message;
        var start = message.IndexOf(" at '", StringComparison.Ordinal);
        var end = start < 0 ? -1 : message.IndexOf('\'', start + 5);
        if (start < 0 || end < 0)
        {
            return "configuration: " + message;
        }

        // The last part is the binder's property name (PascalCase); the rest are keys as written.
        var raw = message[(start + 5)..end];
        var lastColon = raw.LastIndexOf(':');
        var last = raw[(lastColon + 1)..];
        if (last.Length > 0)
        {
            raw = raw[..(lastColon + 1)] + char.ToLowerInvariant(last[0]) + last[1..];
        }

        var path = ToJsonPath(raw);
        return $"{path}: {message[..start]}{message[(end + 1)..]}".Replace("  ", " ", StringComparison.Ordinal);
    }

    internal static string ToJsonPath(string configPath)
    {
        var parts = configPath.Split(':');
        var builder = new System.Text.StringBuilder();
        foreach (var part in parts)
        {
            if (part.Length > 0 && part.All(char.IsAsciiDigit))
            {
                builder.Append('[').Append(part).Append(']');
            }
            else
            {
                if (builder.Length > 0)
                {
                    builder.Append('.');
                }

                builder.Append(part);
            }
        }

        return builder.ToString();
    }
}
