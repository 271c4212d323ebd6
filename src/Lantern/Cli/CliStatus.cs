using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Lantern.Api.V1;

namespace Lantern.Cli;

/// <summary>Shared plumbing of the status commands (<c>upstreams</c>, <c>peers</c>, <c>registrations</c>, <c>subscriptions</c>, <c>endpoints</c>).</summary>
internal static class CliStatus
{
    /// <summary>A command that GETs one status listing and prints it as an aligned table or, with <c>--json</c>, as the JSON array of items.</summary>
    public static Command CreateListing<T>(
        string name, string description, string path, JsonTypeInfo<StatusListDto<T>> typeInfo, Func<IReadOnlyList<T>, CliTable> table)
    {
        var globals = new CliGlobalOptions();
        var json = JsonOption();
        var command = new Command(name, description) { json };
        globals.AddTo(command);
        command.SetAction((parse, ct) => RunAsync(parse, globals, async (api, output, error) =>
        {
            var response = await api.SendAsync(HttpMethod.Get, path, null, null, ct);
            if (!response.IsSuccess)
            {
                return await RefusedAsync(error, response);
            }

            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(ItemsJson(response.Body));
                return CliExitCodes.Ok;
            }

            var list = JsonSerializer.Deserialize(response.Body, typeInfo)!;
            table(list.Items ?? []).WriteTo(output);
            return CliExitCodes.Ok;
        }, ct));
        return command;
    }

    public static Option<bool> JsonOption() => new("--json") { Description = "Machine-readable JSON output." };

    /// <summary>Resolves the server, runs <paramref name="body"/>, and maps unreachable servers to exit code 3 (shared by every client command).</summary>
    public static async Task<int> RunAsync(
        ParseResult parse, CliGlobalOptions globals, Func<CliApiClient, TextWriter, TextWriter, Task<int>> body, CancellationToken cancellationToken)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        if (!CliServerSettings.TryResolve(parse, globals, out var settings, out var problem))
        {
            await error.WriteLineAsync("lantern: " + problem);
            return CliExitCodes.Usage;
        }

        using var api = new CliApiClient(settings);
        try
        {
            return await body(api, output, error);
        }
        catch (CliUnreachableException ex)
        {
            await error.WriteLineAsync("lantern: " + ex.Message);
            return CliExitCodes.Unreachable;
        }
        catch (JsonException ex)
        {
            await error.WriteLineAsync("lantern: unexpected answer from the server: " + ex.Message);
            return CliExitCodes.Refused;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return CliExitCodes.Refused;
        }
    }

    public static async Task<int> RefusedAsync(TextWriter error, CliResponse response)
    {
        await error.WriteLineAsync("lantern: " + CliApiClient.Describe(response));
        return CliExitCodes.Refused;
    }

    /// <summary>The <c>items</c> array of a listing, as the server sent it.</summary>
    public static string ItemsJson(string body)
    {
        using var document = JsonDocument.Parse(body);
        return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("items", out var items)
            ? items.GetRawText()
            : throw new JsonException("the answer has no \"items\" array");
    }

    public static string Time(DateTimeOffset? time) =>
        time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "-";

    public static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string YesNo(bool value) => value ? "yes" : "no";

    public static string List(IReadOnlyList<string>? values) => values is null || values.Count == 0 ? "-" : Cell(string.Join(",", values));

    /// <summary>A table cell: "-" for nothing, control characters (e.g. newlines in server error text) as spaces so rows stay aligned.</summary>
    public static string Cell(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "-";
        }

        var clean = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            clean.Append(char.IsControl(c) ? ' ' : c);
        }

        return clean.ToString();
    }
}
