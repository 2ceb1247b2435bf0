using Microsoft.Extensions.Options;

namespace Pulse.Hub.Hosting;

/// <summary>
/// Checks <see cref="HubOptions"/> when the application starts, with the same rules as <see cref="HubNode"/>'s
/// constructor, so a wrong value from configuration fails the start with a message naming the option.
/// </summary>
internal sealed class HubOptionsValidation : IValidateOptions<HubOptions>
{
    public ValidateOptionsResult Validate(string? name, HubOptions options)
    {
        try
        {
            options.Validate();
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException e)
        {
            return ValidateOptionsResult.Fail(e.Message);
        }
    }
}
