namespace Lantern.Configuration;

/// <summary>Reads a configuration file the way <c>lantern serve</c> does, binds and validates it, without a host.</summary>
public static class LanternConfigurationLoader
{
    public const string EnvironmentPrefix = "LANTERN__";

    /// <summary>Builds the configuration sources used by the server: the JSON file, then <c>LANTERN__*</c> variables, then overrides.</summary>
    public static IConfigurationBuilder AddLanternSources(
        this IConfigurationBuilder builder,
        string? file,
        bool includeEnvironment,
        IEnumerable<KeyValuePair<string, string?>>? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (file is not null)
        {
            var source = new IndexedJsonConfigurationSource { Path = Path.GetFullPath(file), Optional = false, ReloadOnChange = false };
            source.ResolveFileProvider();
            builder.Add(source);
        }

        if (includeEnvironment)
        {
            builder.AddEnvironmentVariables(EnvironmentPrefix);
        }

        if (overrides is not null)
        {
            builder.AddInMemoryCollection(overrides);
        }

        return builder;
    }

    /// <summary>Loads, binds and validates; every problem found goes to <paramref name="errors"/> with its path.</summary>
    public static LanternOptions Load(
        string? file,
        bool includeEnvironment,
        List<string> errors,
        IEnumerable<KeyValuePair<string, string?>>? overrides = null) => Load(file, includeEnvironment, errors, null, overrides);

    /// <summary>As above; keys that bind to nothing and settings that weaken security go to <paramref name="warnings"/> when it is given.</summary>
    public static LanternOptions Load(
        string? file,
        bool includeEnvironment,
        List<string> errors,
        List<string>? warnings,
        IEnumerable<KeyValuePair<string, string?>>? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var options = new LanternOptions();
        IConfiguration configuration;
        try
        {
            configuration = new ConfigurationBuilder().AddLanternSources(file, includeEnvironment, overrides).Build();
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or IOException or System.Text.Json.JsonException)
        {
            var inner = ex.InnerException is null ? ex.Message : ex.Message + " " + ex.InnerException.Message;
            errors.Add($"{file}: cannot read: {inner}");
            return options;
        }

        LanternConfigurationBinder.Bind(configuration, options);
        LanternOptionsChecks.Check(options, errors);
        warnings?.AddRange(UnknownSettings.Find(configuration).Select(path => $"{path}: unknown setting, ignored"));
        if (warnings is not null)
        {
            LanternOptionsWarnings.Check(options, warnings);
        }

        return options;
    }

    /// <summary>Binds and validates JSON text (no environment variables); used to check generated configurations.</summary>
    public static LanternOptions LoadJson(string json, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var options = new LanternOptions();
        IConfiguration configuration;
        try
        {
            using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json));
            configuration = new ConfigurationBuilder().AddJsonStream(stream).Build();
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or System.Text.Json.JsonException)
        {
            errors.Add("configuration: cannot read: " + ex.Message);
            return options;
        }

        LanternConfigurationBinder.Bind(configuration, options);
        LanternOptionsChecks.Check(options, errors);
        return options;
    }
}
