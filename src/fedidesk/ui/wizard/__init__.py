"""The onboarding wizard: server, account, security, links, follows, contacts, first deck."""

from fedidesk.ui.wizard.wizard import OnboardingWizard, WizardDeps

__all__ = ["OnboardingWizard", "WizardDeps"]
