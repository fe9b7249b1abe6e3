// What names a Hugging Face Hub model on the command line: "ORG/NAME", "ORG/NAME@REVISION", or
// a URL "https://huggingface.co/ORG/NAME" (also hf.co, with an optional "/tree/REVISION").
// Names are checked as huggingface_hub checks repo ids before any of them becomes part of a
// cache path or a URL: letters, digits, '-', '_', '.', at most 96 characters a part, no "--" or
// "..", not starting or ending with '-' or '.'. A revision is a branch, tag or commit: printable,
// no "..", no leading '/', no backslash, at most 255 bytes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace calflops::hub {

struct HubName {
  std::string org, name;          ///< "meta-llama", "Meta-Llama-3-8B"
  std::string revision = "main";  ///< branch, tag or 40-hex commit
  std::string repo_id() const { return org + "/" + name; }
};

/// The Hub name `model` spells, or nullopt when it is not one (a path, a zoo name). Throws
/// BadInput for something that is plainly meant as a Hub name but malformed ("org/na me",
/// "https://huggingface.co/x", "org/name@").
std::optional<HubName> ParseHubName(std::string_view model);

/// Whether `rev` is a safe revision (see the file comment).
bool IsValidRevision(std::string_view rev);

/// Whether `rev` is a full commit hash: 40 lowercase hex digits.
bool IsCommitHash(std::string_view rev);

}  // namespace calflops::hub
