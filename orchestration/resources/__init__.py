from orchestration.resources.home import TributaryHome

__all__ = ["TributaryHome"]
