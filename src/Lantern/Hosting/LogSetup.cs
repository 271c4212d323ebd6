using Lantern.Configuration;
using Microsoft.Extensions.Logging.Console;

namespace Lantern.Hosting;

/// <summary>Console logging from the <c>logging</c> section: one line per event, text or JSON, per-request lines off by default.</summary>
internal static class LogSetup
{
    /// <summary>Categories quieted by default; <c>logging.levels</c> may raise them again.</summary>
    private static readonly string[] QuietCategories = ["Microsoft.AspNetCore"];

    public static void Configure(ILoggingBuilder logging, IConfiguration configuration)
    {
        // ASP.NET Core writes about seven Information lines per HTTP request (start, routing, endpoint, finish):
        // at a probe per second that drowns the lines an operator needs.
        foreach (var category in QuietCategories)
        {
            // A level set for the category in the standard section is the operator's: not overridden.
            if (configuration["logging:LogLevel:" + category] is null)
            {
                logging.AddFilter(category, LogLevel.Warning);
            }
        }

        // Added after the defaults so that a category the operator names wins over them.
        foreach (var level in configuration.GetSection("logging:levels").GetChildren())
        {
            // An unreadable level is reported by validation, which names the setting; it is skipped here.
            if (LanternOptionsChecks.TryParseLevel(level.Value, out var parsed))
            {
                logging.AddFilter(level.Key, parsed);
            }
        }

        if (string.Equals(configuration["logging:format"], "json", StringComparison.Ordinal))
        {
            logging.AddJsonConsole(o => o.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Indented = false });

            // PostConfigure: under systemd the host picks its own formatter, which would otherwise win over the one asked for.
            logging.Services.PostConfigure<ConsoleLoggerOptions>(o => o.FormatterName = ConsoleFormatterNames.Json);
        }
        else
        {
            // Only the option: the formatter stays the host's choice (systemd's under systemd, which keeps the priority).
            logging.Services.Configure<SimpleConsoleFormatterOptions>(o => o.SingleLine = true);
        }
    }
}
