using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace Lantern.Api;

/// <summary>Outermost middleware: body size limits, request metrics, and a problem document for every error without a body.</summary>
internal sealed class ApiErrorMiddleware
{
    /// <summary>Largest body of a batch request.</summary>
    public const long BatchBodyLimit = 4 * 1024 * 1024;

    /// <summary>Largest body of any other request.</summary>
    public const long DefaultBodyLimit = 64 * 1024;

    private const string KestrelCore = "Microsoft.AspNetCore.Server.Kestrel.Core";

    private readonly RequestDelegate _next;
    private readonly ApiMetrics _metrics;
    private readonly ILogger<ApiErrorMiddleware> _logger;

    public ApiErrorMiddleware(RequestDelegate next, ApiMetrics metrics, ILogger<ApiErrorMiddleware> logger)
    {
        _next = next;
        _metrics = metrics;
        _logger = logger;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await InvokeCoreAsync(context);
        }
        finally
        {
            _metrics.RecordRequest(context.Request.Method, context.Response.StatusCode, Stopwatch.GetElapsedTime(started));
        }
    }

    private async Task InvokeCoreAsync(HttpContext context)
    {
        var limit = context.Request.Path.Value?.EndsWith(":batch", StringComparison.Ordinal) == true ? BatchBodyLimit : DefaultBodyLimit;
        if (context.Request.ContentLength > limit)
        {
            await TooLargeAsync(context, limit);
            return;
        }

        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = limit;
        }

        try
        {
            await _next(context);
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            if (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                await TooLargeAsync(context, limit);
                return;
            }

            context.Response.Clear();
            await ApiProblems.WriteAsync(context, ex.StatusCode, "bad-request", "Bad request", ex.Message);
            return;
        }
        catch (JsonException ex) when (!context.Response.HasStarted)
        {
            context.Response.Clear();
            await ApiProblems.WriteAsync(context, StatusCodes.Status400BadRequest, "malformed-json", "Malformed JSON", "the request body is not valid JSON: " + ex.Message);
            return;
        }
        catch (IOException ex) when (!context.Response.HasStarted && ex.Source == KestrelCore)
        {
            // Kestrel reports a malformed request body (a chunk size that overflows) as an IOException: the client's fault.
            context.Response.Clear();
            await ApiProblems.WriteAsync(context, StatusCodes.Status400BadRequest, "bad-request", "Bad request", "the request body is malformed: " + ex.Message);
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            ApiLog.Unhandled(_logger, ex, context.Request.Method, context.Request.Path);
            context.Response.Clear();
            await ApiProblems.WriteAsync(context, StatusCodes.Status500InternalServerError, "internal-error", "Internal error", "the server failed to handle the request; see its log");
            return;
        }

        var response = context.Response;
        if (response.StatusCode >= 400 && !response.HasStarted && response.ContentLength is null or 0 && response.ContentType is null)
        {
            var (slug, title, detail) = response.StatusCode switch
            {
                404 => ("not-found", "Not found", $"no resource at {context.Request.Path}"),
                405 => ("method-not-allowed", "Method not allowed", $"{context.Request.Method} is not allowed on {context.Request.Path}"),
                415 => ("unsupported-media-type", "Unsupported media type", "the request body must be application/json"),
                _ => ("http-" + response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture), "HTTP error", $"the request failed with status {response.StatusCode}"),
            };
            await ApiProblems.WriteAsync(context, response.StatusCode, slug, title, detail);
        }
    }

    private static Task TooLargeAsync(HttpContext context, long limit)
    {
        context.Response.Clear();
        return ApiProblems.WriteAsync(
            context,
            StatusCodes.Status413PayloadTooLarge,
            "payload-too-large",
            "Payload too large",
            $"the request body exceeds {limit} bytes");
    }
}
