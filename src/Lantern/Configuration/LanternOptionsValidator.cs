using Microsoft.Extensions.Options;

namespace Lantern.Configuration;

/// <summary>Validates the whole configuration at start-up; every error names its path.</summary>
internal sealed class LanternOptionsValidator : IValidateOptions<LanternOptions>
{
    public ValidateOptionsResult Validate(string? name, LanternOptions options)
    {
        var errors = new List<string>();
        LanternOptionsChecks.Check(options, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
