"""sijeong (시정): performance management and budget transparency for Korean local governments."""

__version__ = "0.1.0"
