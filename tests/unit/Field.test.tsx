import { render, screen } from "@testing-library/react";
import { Field } from "@/components/Field";

describe("<Field>", () => {
  it("ties its label, hint and error to the input for assistive technology", () => {
    const { rerender } = render(<Field name="username" label="Username" hint="3–32 letters" defaultValue="ada" />);
    const input = screen.getByLabelText("Username");
    expect(input).toHaveValue("ada");
    expect(input).not.toHaveAttribute("aria-invalid");
    expect(input).toHaveAccessibleDescription("3–32 letters");

    rerender(<Field name="username" label="Username" hint="3–32 letters" defaultValue="ada" error="That username is taken" />);
    expect(input).toHaveAttribute("aria-invalid", "true");
    expect(input).toHaveAccessibleDescription("That username is taken");
    expect(screen.getByRole("alert")).toHaveTextContent("That username is taken");
  });
});
